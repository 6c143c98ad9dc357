from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """A draft per opened call form instead of per page: a new call's autosave no longer
    overwrites the unsaved call of another family (see CallDraft)."""

    dependencies = [
        ('intake', '0004_call_started_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='calldraft',
            name='one_draft_per_form',
        ),
        migrations.AddConstraint(
            model_name='calldraft',
            constraint=models.UniqueConstraint(fields=('author', 'form_token'), name='one_draft_per_form'),
        ),
    ]
