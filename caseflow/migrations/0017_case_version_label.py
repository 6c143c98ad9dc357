"""A label only (no change to the table): the case's version has a name to translate, as every
field of a model in a case's history has."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('caseflow', '0016_notification_inbox_waiting'),
    ]

    operations = [
        migrations.AlterField(
            model_name='case',
            name='version',
            field=models.PositiveIntegerField(default=1, editable=False, verbose_name='version'),
        ),
        migrations.AlterField(
            model_name='historicalcase',
            name='version',
            field=models.PositiveIntegerField(default=1, editable=False, verbose_name='version'),
        ),
    ]
