from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Referrals")

    def ready(self) -> None:
        from caseflow.panels import CasePanel, register_case_panel
        from referrals.directory import load_after_migrate

        # After every migrate (and after the test runner's flush, which would
        # otherwise leave the directory empty) the missing organisations are added.
        post_migrate.connect(load_after_migrate, sender=self, dispatch_uid="referrals.load_directory")
        from referrals.views import advice_panel_context

        register_case_panel(
            CasePanel("referrals.advice", "main", 5, "referrals/panels/advice.html", advice_panel_context)
        )
        register_case_panel(
            CasePanel("referrals.preview", "call_form", 10, "referrals/panels/preview.html", lambda request, case: {})
        )
