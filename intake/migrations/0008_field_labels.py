"""Labels only (no change to the tables): every field of a model in a case's history has a name
to translate, so the history never shows Django's English default ("created at")."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('intake', '0007_call_parent_questions'),
    ]

    operations = [
        migrations.AlterField(
            model_name='call',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='logged at'),
        ),
        migrations.AlterField(
            model_name='call',
            name='form_token',
            field=models.UUIDField(blank=True, editable=False, null=True, unique=True, verbose_name='form token'),
        ),
        migrations.AlterField(
            model_name='caller',
            name='search_name',
            field=models.TextField(default='', editable=False, verbose_name='name for searching'),
        ),
        migrations.AlterField(
            model_name='child',
            name='search_name',
            field=models.TextField(default='', editable=False, verbose_name='name for searching'),
        ),
        migrations.AlterField(
            model_name='historicalcall',
            name='created_at',
            field=models.DateTimeField(blank=True, editable=False, verbose_name='logged at'),
        ),
    ]
