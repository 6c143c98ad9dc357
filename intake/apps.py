from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = _("Intake")

    def ready(self) -> None:
        from caseflow.demo import register_demo_seeder
        from caseflow.parties import register_authority_holders
        from intake import panels
        from intake.demo import demo_cases_seed

        panels.register()
        register_authority_holders(_authority_holders)
        register_demo_seeder("intake", lambda count: f"{count} cases with {demo_cases_seed(count=count)} calls")


def _authority_holders(case) -> set[int]:
    from intake.models import Caller, YesNoUnknown

    return set(Caller.objects.filter(case=case, parental_authority=YesNoUnknown.YES).values_list("pk", flat=True))
