"""Labels only (no change to the tables): the disclosure's and the notice's links have names to
translate, so a case's history reads "gemaakt door", not Django's English default "made by"."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('caseflow', '0017_case_version_label'),
        ('consent', '0005_purpose_categories_and_authority'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='disclosure',
            name='made_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='made by'),
        ),
        migrations.AlterField(
            model_name='historicaldisclosure',
            name='made_by',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='made by'),
        ),
        migrations.AlterField(
            model_name='historicalrecipientnotice',
            name='case',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='caseflow.case', verbose_name='case'),
        ),
        migrations.AlterField(
            model_name='historicalrecipientnotice',
            name='consent',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='consent.consentrecord', verbose_name='consent'),
        ),
        migrations.AlterField(
            model_name='historicalrecipientnotice',
            name='done_by',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='done by'),
        ),
        migrations.AlterField(
            model_name='recipientnotice',
            name='case',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='recipient_notices', to='caseflow.case', verbose_name='case'),
        ),
        migrations.AlterField(
            model_name='recipientnotice',
            name='consent',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='notices', to='consent.consentrecord', verbose_name='consent'),
        ),
        migrations.AlterField(
            model_name='recipientnotice',
            name='done_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='done by'),
        ),
    ]
