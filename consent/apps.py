from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

# The recipient code of the helpline itself (consent/data/purposes.json: callback-voicemail).
HELPLINE = "hulplijn"


class ConsentConfig(AppConfig):
    name = "consent"
    verbose_name = _("Consent")

    def ready(self) -> None:
        from caseflow.cases.panels import CasePanel, register_case_panel
        from caseflow.demo import register_demo_seeder
        from consent import team
        from consent.demo import demo_consents_seed
        from consent.panel import panel_recipients
        from consent.purposes import purposes_load
        from consent.recipients import register_recipients
        from consent.views import consent_panel_context

        post_migrate.connect(purposes_load, sender=self, dispatch_uid="consent.load_purposes")
        team.register()
        _register_personal_data()
        register_recipients("helpline", _helpline)
        register_recipients("panel", panel_recipients)
        register_case_panel(CasePanel("consent", "main", 7, "consent/panel.html", consent_panel_context))
        # After the referrals (30), whose consents it counts in the share per case.
        register_demo_seeder("consent", lambda count: f"{demo_consents_seed(cases=count)} more consents", order=40)


def _helpline() -> list[tuple[str, str]]:
    """The helpline itself, for the purposes where no one else receives anything (calling back)."""
    from django.utils.translation import gettext

    return [(HELPLINE, gettext("The helpline itself"))]


def _register_personal_data() -> None:
    from caseflow.audit.personal_data import PersonalData, register_personal_data
    from consent.models import ConsentRecord, DataCategory, Disclosure, RecipientNotice
    from consent.recipients import recipient_choices

    # How the case's history (caseflow.audit.timeline) reads these rows: by purpose and recipient, the
    # categories and recipients by their names; the giver's caller id and the recipient's code
    # stand beside the names they are for, the refusal's code beside its text.
    categories = {"categories": lambda: dict(DataCategory.choices)}
    # The purpose's wording, the recipient (an organisation) and the categories (codes) stay: they
    # show what was agreed to, not who agreed.
    register_personal_data(
        PersonalData(ConsentRecord, "case", {"child_name": "", "giver_name": "", "withdrawal_reason": ""},
                     _("Consents"), kept=("purpose_text", "recipient_code", "recipient_name", "categories"),
                     named=lambda record: _("consent %(purpose)s for %(recipient)s") % {
                         "purpose": record.purpose.name, "recipient": record.recipient_name},
                     labels=categories, not_in_history=("giver_id", "recipient_code"))
    )  # fmt: skip
    # No personal data in these rows (what left is kept as a hash, a refusal names no one), but a
    # parent may see them.
    register_personal_data(
        PersonalData(Disclosure, "case", {}, _("Data shared"),
                     kept=("recipient_code", "categories", "refusal_code", "refusal", "consent_ids", "content_sha256"),
                     named=lambda disclosure: _("data shared for %(purpose)s") % {"purpose": disclosure.purpose.name},
                     labels={**categories, "recipient_code": lambda: dict(recipient_choices())},
                     id_lists={"consent_ids": ConsentRecord}, not_in_history=("refusal_code",))
    )  # fmt: skip
    register_personal_data(
        PersonalData(RecipientNotice, "case", {}, _("Recipients to inform"), kept=("recipient_name",),
                     named=lambda notice: _("task: inform %(recipient)s") % {"recipient": notice.recipient_name})
    )  # fmt: skip
