"""Directory values that an earlier loketten.json shipped and that are not the organisations' own
public facts, taken out of directories loaded before.

- The Kinderombudsman's phone number "0800 111 1111" is not a number it publishes, and its site
  is kinderombudsman.nl.
- "regelrecht.nl" is another project's site (the government's machine-readable law), not the
  RegelRecht that answers parents' questions on rights and duties.

A value is changed only while it is still the one shipped: what a team lead entered stays.
Loading the directory never overwrites (referrals/directory.py), hence this migration. The
change is not written to the lokets' history: the historical models of a migration keep none.
"""

from django.db import migrations

# code -> field -> (the value shipped before, the value now)
SHIPPED_BEFORE = {
    "kinderombudsman": {
        "phone": ("0800 111 1111", ""),
        "website": ("https://www.dekinderombudsman.nl/", "https://www.kinderombudsman.nl/"),
    },
    "regelrecht": {"website": ("https://www.regelrecht.nl/", "")},
}


def directory_correct(apps, schema_editor) -> None:
    Loket = apps.get_model("referrals", "Loket")
    for loket in Loket.objects.filter(code__in=SHIPPED_BEFORE):
        changed = [field for field, (old, new) in SHIPPED_BEFORE[loket.code].items() if getattr(loket, field) == old]
        for field in changed:
            setattr(loket, field, SHIPPED_BEFORE[loket.code][field][1])
        if changed:
            loket.save(update_fields=changed)


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0001_directory_and_referrals"),
    ]

    operations = [
        migrations.RunPython(directory_correct, migrations.RunPython.noop),
    ]
