"""Reads for the advice (a case's intake facts as the rules see them, and the parameters) and for
the referrals (their state beside the consent gate, the package last sent)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from caseflow.cases.models import Case
from consent.models import Disclosure, Purpose
from consent.services import recipients_cleared
from intake.models import Call, Child
from referrals.models import Referral, ReferralStatus, RuleParameter
from referrals.package import PACKAGE_PURPOSE
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
        questions=frozenset(latest.questions),
    )


def advice_for_case(case: Case) -> list[Advice]:
    return advise(facts_for_case(case), rule_parameters())


def referrals_of(case: Case) -> list[Referral]:
    return list(Referral.objects.filter(case=case).select_related("loket", "made_by"))


# What a referral that waits for consent shows once the consent gate lets its package go.
READY_TO_SEND = _("Ready to send")


@dataclass(frozen=True)
class ReferralRow:
    referral: Referral
    ready_to_send: bool  # it waits for consent, and the gate lets its package go now

    @property
    def status_label(self) -> str:
        return str(READY_TO_SEND) if self.ready_to_send else self.referral.get_status_display()


def referral_rows(case: Case, referrals: list[Referral]) -> list[ReferralRow]:
    """The referrals with the state the advisor needs: one that waits for consent shows "ready to
    send" as soon as the consent gate would let its package go (asked once for all of them)."""
    waiting = {r.loket.code for r in referrals if r.status == ReferralStatus.WAITING_FOR_CONSENT}
    purpose = Purpose.objects.filter(code=PACKAGE_PURPOSE).first() if waiting else None
    cleared = recipients_cleared(case=case, purpose=purpose, recipient_codes=waiting) if purpose else set()
    return [
        ReferralRow(r, r.status == ReferralStatus.WAITING_FOR_CONSENT and r.loket.code in cleared) for r in referrals
    ]


def package_last_sent(referral: Referral) -> Disclosure | None:
    """The latest sending of the case's package to the referral's loket that the gate allowed."""
    return (
        Disclosure.objects.filter(
            case_id=referral.case_id, purpose__code=PACKAGE_PURPOSE, recipient_code=referral.loket.code, allowed=True
        )
        .order_by("-made_at", "-id")
        .first()
    )
