"""The helpline's first list of topics, for a database that has none.

Migration 0003 added the same list once; migrations are frozen history, so the list that a new
database starts with lives here. After `migrate` (and after a test's flush, which empties the
tables and sends post_migrate again) a database without any topic gets this list. A database
with topics is left alone: team leads rename, retire and add topics in the management site, and
a topic they deleted must not come back.
"""

from __future__ import annotations

# (code, Dutch name): what parents call about, after the source texts in shared/seeds.
FIRST_TOPICS = [
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


def topics_first_list(**kwargs) -> None:
    """post_migrate: give a database without topics the first list."""
    from caseflow.cases.models import Topic

    using = kwargs.get("using", "default")
    if Topic.objects.using(using).exists():
        return
    for position, (code, name) in enumerate(FIRST_TOPICS, start=1):
        Topic.objects.using(using).create(code=code, name=name, position=position * 10)
