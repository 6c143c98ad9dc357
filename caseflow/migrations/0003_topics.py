"""The helpline's first list of topics; team leads change it in the admin site."""

from django.db import migrations

# (code, Dutch name): what parents call about, after the source texts in shared/seeds.
TOPICS = [
    ("thuiszitten", "Thuiszitten of dreigend thuiszitten"),
    ("extra-ondersteuning", "Extra ondersteuning op school"),
    ("toelating", "Aanmelding en toelating"),
    ("verwijdering", "Schorsing of verwijdering"),
    ("opp", "Ontwikkelingsperspectief (OPP)"),
    ("tlv", "Toelaatbaarheidsverklaring (TLV) en speciaal onderwijs"),
    ("zorg-en-onderwijs", "Zorg en onderwijs"),
    ("conflict-school", "Conflict met school"),
    ("klacht", "Klachtprocedure"),
    ("leerplicht", "Leerplicht, verzuim en vrijstelling"),
    ("vervoer", "Leerlingenvervoer"),
    ("schooladvies", "Schooladvies en niveau"),
    ("privacy", "Privacy en gegevensdeling"),
    ("overig", "Overig"),
]


def add_topics(apps, schema_editor):
    Topic = apps.get_model("caseflow", "Topic")
    for position, (code, name) in enumerate(TOPICS, start=1):
        Topic.objects.get_or_create(code=code, defaults={"name": name, "position": position * 10})


class Migration(migrations.Migration):
    dependencies = [("caseflow", "0002_cases_and_topics")]

    operations = [migrations.RunPython(add_topics, migrations.RunPython.noop)]
