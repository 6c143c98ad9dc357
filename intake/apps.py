from datetime import timedelta

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = _("Intake")

    def ready(self) -> None:
        from caseflow.cases.parties import register_case_parties
        from caseflow.demo import register_demo_seeder
        from intake import panels, team
        from intake.demo import demo_cases_seed
        from intake.demo_inbox import demo_inbox_seed
        from intake.inbox import registry as inbox_registry

        panels.register()
        team.register()
        _register_personal_data()
        inbox_registry.register()
        register_case_parties(_case_parties, _people_of_cases)
        register_demo_seeder(
            "intake", lambda count: f"{count} cases with {demo_cases_seed(count=count)} calls", order=10
        )
        register_demo_seeder("inbox", lambda count: f"{demo_inbox_seed(cases=count)} inbox messages", order=50)


# In the order of caseflow.cases.parties.Party's fields.
PARTY_FIELDS = ("pk", "name", "parental_authority", "phone", "email")


def _case_parties(case):
    from caseflow.cases.parties import CaseParties, Party
    from intake.models import Caller, Child

    child = Child.objects.filter(case=case).values_list("first_name", flat=True).first() or ""
    callers = Caller.objects.filter(case=case).values_list(*PARTY_FIELDS)
    return CaseParties(child, tuple(Party(*caller) for caller in callers))


def _people_of_cases(case_ids):
    from caseflow.cases.parties import Party
    from intake.models import Caller

    people = {}
    for case_id, *caller in Caller.objects.filter(case_id__in=case_ids).values_list("case_id", *PARTY_FIELDS):
        people.setdefault(case_id, []).append(Party(*caller))
    return {case_id: tuple(found) for case_id, found in people.items()}


def _register_personal_data() -> None:
    from caseflow.audit.personal_data import (
        PersonalData,
        register_anonymise_hook,
        register_personal_data,
        register_retention_sweep,
    )
    from caseflow.lib.dates import moment_text
    from intake.models import Call, CallDraft, Caller, Child, ParentQuestion, StepTaken

    # `named`: how the case's history names a row (caseflow.audit.timeline); an anonymised one by its kind.
    register_personal_data(
        PersonalData(Caller, "case", {"name": "", "phone": "", "phone_alt": "", "email": "", "search_name": ""},
                     _("Callers"), named=lambda caller: _("caller %(name)s") % {"name": caller.name})
    )  # fmt: skip
    # Kept for the statistics: school type, year of birth, support and at-home answers (all choices).
    # The samenwerkingsverband is typed freely, so it goes with the other text.
    register_personal_data(
        PersonalData(
            Child, "case",
            {"first_name": "", "birth_date": None, "school_name": "", "swv": "", "municipality": "",
             "support_kind": "", "search_name": ""},
            _("Child"),
            named=lambda child: _("child %(name)s") % {"name": child.first_name},
        )
    )  # fmt: skip
    # The steps taken and the parent's questions are codes of StepTaken and ParentQuestion.
    register_personal_data(
        PersonalData(Call, "case", {"notes": "", "advice": "", "next_step": ""}, _("Calls"),
                     kept=("steps_taken", "questions"),
                     named=lambda call: _("call %(moment)s") % {"moment": moment_text(call.started_at)},
                     labels={"steps_taken": lambda: dict(StepTaken.choices),
                             "questions": lambda: dict(ParentQuestion.choices)})
    )  # fmt: skip
    register_anonymise_hook("intake.drafts", lambda case: CallDraft.objects.filter(case=case).delete())
    register_retention_sweep("intake.stale_drafts", _stale_drafts_delete)


def _stale_drafts_delete(now) -> int:
    """A call form abandoned half-typed keeps a parent's name and number; after DRAFT_RETENTION_DAYS it goes."""
    from intake.models import CallDraft

    deleted, _per_model = CallDraft.objects.filter(
        updated_at__lt=now - timedelta(days=settings.DRAFT_RETENTION_DAYS)
    ).delete()
    return deleted
