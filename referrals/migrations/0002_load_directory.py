"""The loket directory and the rule parameters, from referrals/data/loketten.json."""

from django.db import migrations


def load(apps, schema_editor):
    from referrals.directory import directory_load

    directory_load(
        loket_model=apps.get_model("referrals", "Loket"),
        parameter_model=apps.get_model("referrals", "RuleParameter"),
    )


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_directory_and_referrals")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
