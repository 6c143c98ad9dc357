"""Reads for the advice: a case's intake facts as the rules see them, and the parameters."""

from __future__ import annotations

from caseflow.models import Case
from intake.models import Call, Child
from referrals.models import Referral, RuleParameter
from referrals.rules import DEFAULT_PARAMETERS, Advice, Facts, advise


def rule_parameters() -> dict[str, int]:
    """The defaults of rules.py, overridden by what team leads set in the directory."""
    return {**DEFAULT_PARAMETERS, **dict(RuleParameter.objects.values_list("key", "value"))}


def facts_for_case(case: Case) -> Facts:
    """The facts of the latest call, with the child's school and the topics of case and call."""
    latest = Call.objects.filter(case=case).order_by("-started_at", "-id").prefetch_related("topics").first()
    child = Child.objects.filter(case=case).only("school_type").first()
    topics = {topic.code for topic in case.topics.all()}
    if latest is None:
        return Facts(school_type=child.school_type if child else "", topics=frozenset(topics))
    return Facts(
        steps_taken=frozenset(latest.steps_taken),
        conflict=latest.conflict,
        disagrees_with_advice=latest.disagrees_with_advice,
        at_home=latest.at_home,
        weeks_at_home=latest.weeks_at_home,
        school_type=child.school_type if child else "",
        care_involved=latest.care_involved,
        legal_procedure=latest.legal_procedure,
        truancy=latest.truancy,
        topics=frozenset(topics | {topic.code for topic in latest.topics.all()}),
    )


def advice_for_case(case: Case) -> list[Advice]:
    return advise(facts_for_case(case), rule_parameters())


def referrals_of(case: Case) -> list[Referral]:
    return list(Referral.objects.filter(case=case).select_related("loket", "made_by"))
