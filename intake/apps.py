from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = _("Intake")

    def ready(self) -> None:
        from caseflow.demo import register_demo_seeder
        from intake import panels
        from intake.demo import demo_cases_seed

        panels.register()
        register_demo_seeder("intake", lambda count: f"{count} cases with {demo_cases_seed(count=count)} calls")
