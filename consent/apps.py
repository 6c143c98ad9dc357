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
        register_case_panel(CasePanel("consent", "main", 7, "consent/panel.html", consent_panel_context))
