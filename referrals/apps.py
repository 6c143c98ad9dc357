from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Referrals")

    def ready(self) -> None:
        from caseflow.panels import CasePanel, register_case_panel
        from referrals.views import advice_panel_context

        register_case_panel(
            CasePanel("referrals.advice", "main", 5, "referrals/panels/advice.html", advice_panel_context)
        )
        register_case_panel(
            CasePanel("referrals.preview", "call_form", 10, "referrals/panels/preview.html", lambda request, case: {})
        )
