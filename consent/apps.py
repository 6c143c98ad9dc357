from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    name = "consent"
    verbose_name = _("Consent")

    def ready(self) -> None:
        from caseflow.panels import CasePanel, register_case_panel
        from consent import team
        from consent.purposes import purposes_load
        from consent.views import consent_panel_context

        post_migrate.connect(purposes_load, sender=self, dispatch_uid="consent.load_purposes")
        team.register()
        _register_personal_data()
        register_case_panel(CasePanel("consent", "main", 7, "consent/panel.html", consent_panel_context))


def _register_personal_data() -> None:
    from caseflow.privacy import PersonalData, register_personal_data
    from consent.models import ConsentRecord, Disclosure, RecipientNotice

    register_personal_data(
        PersonalData(ConsentRecord, "case", {"child_name": "", "giver_name": "", "withdrawal_reason": ""},
                     _("Consents"))
    )  # fmt: skip
    # No personal data in these rows (what left is kept as a hash), but a parent may see them.
    register_personal_data(PersonalData(Disclosure, "case", {}, _("Data shared")))
    register_personal_data(PersonalData(RecipientNotice, "case", {}, _("Recipients to inform")))
