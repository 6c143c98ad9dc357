from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = _("Intake")

    def ready(self) -> None:
        from caseflow.demo import register_demo_seeder
        from caseflow.parties import register_case_parties
        from intake import panels, team
        from intake.demo import demo_cases_seed

        panels.register()
        team.register()
        register_case_parties(_case_parties)
        register_demo_seeder(
            "intake", lambda count: f"{count} cases with {demo_cases_seed(count=count)} calls", order=10
        )


def _case_parties(case):
    from caseflow.parties import CaseParties, Party
    from intake.models import Caller, Child

    child = Child.objects.filter(case=case).values_list("first_name", flat=True).first() or ""
    callers = Caller.objects.filter(case=case).values_list("pk", "name", "parental_authority", "phone")
    return CaseParties(child, tuple(Party(*caller) for caller in callers))
