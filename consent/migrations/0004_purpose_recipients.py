"""Each purpose names the recipients it is for, so that the consent form offers only those.

The purposes already in the database get the recipients that consent/data/purposes.json gives
new installations; a purpose not listed here (one a team lead added) stays open to any recipient.
"""

from django.db import migrations, models

# As in consent/data/purposes.json. "hulplijn" is the helpline itself (consent/apps.py).
RECIPIENTS = {
    "share-summary-consultant": ["onderwijsconsulent", "onderwijszorgconsulent"],
    "consultant-request-school": ["onderwijsconsulent", "onderwijszorgconsulent"],
    "consultant-request-swv": ["onderwijsconsulent", "onderwijszorgconsulent"],
    "consultant-request-care": ["onderwijsconsulent", "onderwijszorgconsulent"],
    "helpline-contacts-school": ["school"],
    "callback-voicemail": ["hulplijn"],
}


def recipients_fill(apps, schema_editor) -> None:
    purpose_model = apps.get_model("consent", "Purpose")
    for pk, code, recipients in purpose_model._base_manager.filter(code__in=RECIPIENTS).values_list(
        "pk", "code", "recipient_codes"
    ):
        if not recipients:
            purpose_model._base_manager.filter(pk=pk).update(recipient_codes=RECIPIENTS[code])


class Migration(migrations.Migration):
    dependencies = [
        ("consent", "0003_refusals_without_personal_data"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalpurpose",
            name="recipient_codes",
            field=models.JSONField(blank=True, default=list, help_text="The codes of the recipients this purpose is for; empty: any recipient.", verbose_name="recipients"),
        ),
        migrations.AddField(
            model_name="purpose",
            name="recipient_codes",
            field=models.JSONField(blank=True, default=list, help_text="The codes of the recipients this purpose is for; empty: any recipient.", verbose_name="recipients"),
        ),
        migrations.RunPython(recipients_fill, migrations.RunPython.noop),
    ]
