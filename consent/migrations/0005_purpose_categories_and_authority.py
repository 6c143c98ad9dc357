"""A purpose may name the data categories it covers and whether its giver needs parental authority.

Existing purposes keep what they had: any category, and parental authority required (they are all
about the child). The parent panel (consent/data/purposes.json, added after migrate) covers contact
details only and needs no parental authority: it is the caller's own data.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('consent', '0004_purpose_recipients'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalpurpose',
            name='category_codes',
            field=models.JSONField(blank=True, default=list, help_text='The kinds of data this purpose may cover; empty: any.', verbose_name='data categories'),
        ),
        migrations.AddField(
            model_name='historicalpurpose',
            name='needs_parental_authority',
            field=models.BooleanField(default=True, help_text="Off only for purposes about the caller's own data, never the child's.", verbose_name='needs parental authority'),
        ),
        migrations.AddField(
            model_name='purpose',
            name='category_codes',
            field=models.JSONField(blank=True, default=list, help_text='The kinds of data this purpose may cover; empty: any.', verbose_name='data categories'),
        ),
        migrations.AddField(
            model_name='purpose',
            name='needs_parental_authority',
            field=models.BooleanField(default=True, help_text="Off only for purposes about the caller's own data, never the child's.", verbose_name='needs parental authority'),
        ),
    ]
