"""Demo referrals for `make run` and `make bench`: 0.4 per case (80,000 at 200,000 cases), each
made on the rules' advice for its case's facts (the latest call, the child's school, the topics).

Every open case that says it is referred has one, and nearly every case closed as referred;
other cases now and then, more often while a call-back is awaited. A case is referred on its
first piece of advice (an onderwijsconsulent wherever one is advised), sometimes on the next
one or two as well. The status follows the case, in fixed proportions per kind of referral: an
open case's referrals are advised, waiting for consent, sent (registered, in progress) or
already declined or done; a closed case's are done, declined (with a reason), withdrawn, or
sent with no news since.

An onderwijsconsulent receives the parent's data, so such a referral goes through the consent
gate: one that was sent has the parent's consent and a Disclosure of its package; one still
waiting mostly has no consent yet (now and then one that lapsed before it was sent); one
withdrawn lost its consent, as the consent's withdrawal stops it. Rows and history are
written in bulk, as their saves would (caseflow.demo.demo_rows_insert).
"""

from __future__ import annotations

import bisect
import datetime as dt
import heapq
import itertools
import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from caseflow.cases.models import AtHome, Case, CaseStatus, CloseReason, weeks_since
from caseflow.demo import demo_newest_cases, demo_rows_insert
from consent.demo import (
    WITHDRAWAL_REASONS,
    Giver,
    demo_consent,
    demo_consent_withdrawn,
    demo_consents_insert,
    demo_disclosure,
    end_of_validity,
    purposes_by_code,
)  # fmt: skip
from consent.models import DataCategory
from intake.models import Call, Caller, Child, YesNoUnknown
from referrals.models import MANUAL, Loket, Referral, ReferralStatus
from referrals.package import PACKAGE_PURPOSE
from referrals.rules import Facts, advise
from referrals.selectors import rule_parameters

REFERRALS_PER_CASE = 0.4
CHUNK = 2_000
# How likely a case is to have been referred, by its state ((status, close reason) of a closed one).
_CASE_WEIGHT = {
    CaseStatus.REFERRED: 1_000.0, (CaseStatus.CLOSED, CloseReason.REFERRED): 1_000.0,
    CaseStatus.AWAITING_CALLBACK: 3.0, (CaseStatus.CLOSED, CloseReason.ANSWERED): 1.5,
    (CaseStatus.CLOSED, CloseReason.NO_CONTACT): 0.5,
}  # fmt: skip
# How much a case's second and third piece of advice weigh. An onderwijsconsulent, where one is
# advised, weighs as much as the case and more: the helpline's most frequent way on, and the
# one the consent gate holds.
_LATER_ADVICE_WEIGHT = [2.0, 0.5]
_CONSULTANT_FACTOR = 3.0
# Statuses by (open case?, loket receives personal data?), the first the one a small demo
# shows surely; "sent" (registered) is, for a loket that gets the package, through the gate.
_STATUSES = {
    (True, True): {ReferralStatus.WAITING_FOR_CONSENT: 45, ReferralStatus.REGISTERED: 25,
                   ReferralStatus.IN_PROGRESS: 15, ReferralStatus.DECLINED: 5, ReferralStatus.WITHDRAWN: 10},
    (True, False): {ReferralStatus.ADVISED: 35, ReferralStatus.REGISTERED: 25, ReferralStatus.IN_PROGRESS: 15,
                    ReferralStatus.DECLINED: 10, ReferralStatus.DONE: 15},
    (False, True): {ReferralStatus.DONE: 55, ReferralStatus.REGISTERED: 10, ReferralStatus.DECLINED: 20,
                    ReferralStatus.WITHDRAWN: 15},
    (False, False): {ReferralStatus.DONE: 50, ReferralStatus.ADVISED: 10, ReferralStatus.REGISTERED: 10,
                     ReferralStatus.DECLINED: 20, ReferralStatus.WITHDRAWN: 10},
}  # fmt: skip
_SENT = {ReferralStatus.REGISTERED, ReferralStatus.IN_PROGRESS, ReferralStatus.DONE, ReferralStatus.DECLINED}
# A waiting referral whose consent lapsed before its package was sent.
_WAITING_WITH_LAPSED_CONSENT = 0.2
# A referral made less than this long ago (or this close to the case's closing) has not moved on.
_QUIET = dt.timedelta(hours=1)
DECLINE_REASONS = [
    "Het loket neemt de zaak niet aan: eerst het schoolbestuur benaderen.",
    "Valt buiten de doelgroep van het loket.",
    "Ouder ziet af van de verwijzing.",
    "Buiten het werkgebied van dit loket.",
    "School en ouder hebben samen een oplossing gevonden.",
]
_WITHDRAWN_NOTES = ["Ouder wil eerst zelf met school verder.", "Ouder heeft al hulp van een andere instantie.",
                    "Niet meer nodig: kind heeft een plek op een nieuwe school."]  # fmt: skip
# When a referred case has no advice one can refer to, the advisor referred against or without it.
_MANUAL = [("juridisch-loket", "Ouder wil juridisch advies over de klachtprocedure."),
           ("schoolbestuur", "Ouder wil de klachtenregeling van het bestuur gebruiken."),
           ("samenwerkingsverband", "Ouder wil weten welke ondersteuning het SWV kan bieden.")]  # fmt: skip
_OWN_SCHOOL = "school"
# What a package to the consultant carries: always these, and often more.
_PACKAGE_CATEGORIES = [DataCategory.CONTACT, DataCategory.SCHOOL, DataCategory.SUPPORT]


@dataclass
class _Case:
    """What the seeder reads of a case: its state, its latest call, its people."""

    pk: int
    status: str
    close_reason: str
    closed_at: dt.datetime | None
    advisor_id: int = 0  # of the latest call: who referred
    called_at: dt.datetime | None = None
    candidates: list = field(default_factory=list)  # (loket code, rule id, rule version, reason)
    child_name: str = ""
    giver: Giver | None = None

    @property
    def is_open(self) -> bool:
        return self.status != CaseStatus.CLOSED

    @property
    def weight(self) -> float:
        return _CASE_WEIGHT.get(self.status if self.is_open else (self.status, self.close_reason), 0.0)


@dataclass
class _Made:
    referrals: list = field(default_factory=list)
    consents: list = field(default_factory=list)
    disclosures: list = field(default_factory=list)


def demo_referrals_seed(*, cases: int, seed: int = 21) -> int:
    """Referrals (with their consents and packages) for the newest `cases` cases; returns how many."""
    rng, now = random.Random(seed), timezone.now()
    lokets = {loket.code: loket for loket in Loket.objects.filter(active=True, direct_referral=True)}
    parameters, purposes = rule_parameters(), purposes_by_code()
    pks = list(demo_newest_cases(cases).order_by("pk").values_list("pk", flat=True))
    users = get_user_model().objects.in_bulk()
    made = 0
    for start in range(0, len(pks), CHUNK):
        chunk = _read(pks[start : start + CHUNK], lokets, parameters)
        # Keep to the share over the cases so far, whatever each chunk holds.
        wanted = round(REFERRALS_PER_CASE * min(start + CHUNK, len(pks))) - made
        made_now = [entry for case, advice in _choose(rng, chunk, lokets, wanted)
                    for entry in _made(rng, now, case, advice, lokets, users)]  # fmt: skip
        result = _Made()
        with transaction.atomic(), translation.override("nl"):
            _all_moved_on(rng, now, made_now, purposes[PACKAGE_PURPOSE], result)
            demo_rows_insert(Referral, result.referrals)
            demo_consents_insert(result.consents, result.disclosures)
        made += len(result.referrals)
    return made


# --- Reading the cases and their advice ------------------------------------------------------


def _read(pks: list[int], lokets: dict[str, Loket], parameters: dict[str, int]) -> list[_Case]:
    rows = Case.objects.filter(pk__in=pks).order_by("pk").values_list("pk", "status", "close_reason", "closed_at")
    cases = {pk: _Case(pk, status, close_reason, closed_at) for pk, status, close_reason, closed_at in rows}
    school_types = {}
    for case_id, school_type, first_name in Child.objects.filter(case_id__in=pks).values_list(
        "case_id", "school_type", "first_name"
    ):
        school_types[case_id], cases[case_id].child_name = school_type, first_name
    topics = defaultdict(set)
    for case_id, code in Case.topics.through.objects.filter(case_id__in=pks).values_list("case_id", "topic__code"):
        topics[case_id].add(code)
    callers = Caller.objects.filter(case_id__in=pks, parental_authority=YesNoUnknown.YES).order_by("case_id", "pk")
    for case_id, caller_id, name in callers.values_list("case_id", "pk", "name"):
        cases[case_id].giver = cases[case_id].giver or Giver(caller_id, name)
    for call in _latest_calls(pks):
        case = cases[call["case_id"]]
        case.advisor_id, case.called_at = call["advisor_id"], call["started_at"]
        facts = _facts(call, school_types.get(case.pk, ""), topics[case.pk])
        # "Talk to the school first" is advice the parent follows alone, seldom a referral: it comes last.
        referable = sorted((a for a in advise(facts, parameters) if a.can_be_referred and a.loket in lokets),
                           key=lambda advice: advice.loket == _OWN_SCHOOL)  # fmt: skip
        case.candidates = [(a.loket, a.rule, a.rule_version, a.reason) for a in referable[:3]]
    return [case for case in cases.values() if case.called_at]


def _latest_calls(pks: list[int]):
    """The latest call of each case, as the case's facts take it (the last logged at the same moment)."""
    calls = Call.objects.filter(case_id__in=pks).order_by("case_id", "started_at", "id").values(
        "case_id", "advisor_id", "started_at", "steps_taken", "conflict", "disagrees_with_advice", "at_home",
        "at_home_since", "care_involved", "legal_procedure", "truancy", "questions",
    )  # fmt: skip
    latest = {}
    for call in calls:
        latest[call["case_id"]] = call
    return latest.values()


def _facts(call: dict, school_type: str, topics: set[str]) -> Facts:
    """The facts as referrals.selectors.facts_for_case reads them from the same rows (the demo's
    calls have topics of their case only, so the case's topics are all of them)."""
    weeks = None
    if call["at_home"] == AtHome.YES:
        weeks = weeks_since(call["at_home_since"], timezone.localtime(call["started_at"]).date())
    return Facts(
        steps_taken=frozenset(call["steps_taken"]), conflict=call["conflict"],
        disagrees_with_advice=call["disagrees_with_advice"], at_home=call["at_home"], weeks_at_home=weeks,
        school_type=school_type, care_involved=call["care_involved"], legal_procedure=call["legal_procedure"],
        truancy=call["truancy"], topics=frozenset(topics), questions=frozenset(call["questions"]),
    )  # fmt: skip


def _choose(rng: random.Random, cases: list[_Case], lokets: dict[str, Loket], wanted: int) -> list[tuple]:
    """(case, the advice it was referred on, in the advice's order) for `wanted` referrals, drawn by
    weight without replacement (Efraimidis-Spirakis: the largest u ** (1 / weight)). A case's first
    advice, and an onderwijsconsulent wherever one is advised, weigh as much as the case; the next less."""
    keyed = []
    for case in cases:
        if case.weight <= 0:
            continue
        if not case.candidates and case.weight >= _CASE_WEIGHT[CaseStatus.REFERRED]:
            code, reason = rng.choice([(code, reason) for code, reason in _MANUAL if code in lokets])
            case.candidates = [(code, MANUAL, "", reason)]
        for rank, (code, *_rest) in enumerate(case.candidates):
            to_consultant = lokets[code].sends_personal_data
            weight = case.weight if rank == 0 or to_consultant else _LATER_ADVICE_WEIGHT[rank - 1]
            weight *= _CONSULTANT_FACTOR if to_consultant else 1.0
            key = rng.random() ** (1 / weight)
            # An open case says it is referred: its first advice is chosen before any draw.
            keyed.append((2.0 if rank == 0 and case.status == CaseStatus.REFERRED else key, case.pk, rank))
    by_pk = {case.pk: case for case in cases}
    ranks: dict[int, list[int]] = defaultdict(list)
    for _key, pk, rank in heapq.nlargest(max(wanted, 0), keyed):
        ranks[pk].append(rank)
    return [(by_pk[pk], [by_pk[pk].candidates[rank] for rank in sorted(chosen)])
            for pk, chosen in sorted(ranks.items())]  # fmt: skip


# --- Making the referrals --------------------------------------------------------------------


def _made(rng, now, case: _Case, advice: list, lokets, users) -> list[tuple[_Case, Referral, dt.datetime]]:
    """The case's referrals as its latest call's advisor made them, each with the moment after
    which nothing happens to it (the case's closing, or now)."""
    advisor = users[case.advisor_id]
    end = min(case.closed_at or now, now)
    made_at = min(case.called_at + dt.timedelta(minutes=rng.randint(5, 25)), end)
    made = []
    for code, rule, version, reason in advice:
        loket = lokets[code]
        referral = Referral(
            case_id=case.pk, loket=loket, made_by=advisor, made_at=made_at, rule_id=rule, rule_version=version,
            reason=reason,
            status=ReferralStatus.WAITING_FOR_CONSENT if loket.sends_personal_data else ReferralStatus.ADVISED,
        )  # fmt: skip
        referral._history_date, referral._history_user = made_at, advisor
        made.append((case, referral, end))
        made_at = min(made_at + dt.timedelta(minutes=1), end)
    return made


def _all_moved_on(rng, now, made: list[tuple], package_purpose, result: _Made) -> None:
    """Each referral's status now, in the proportions of its group (_STATUSES), with the consents
    and packages of those to an onderwijsconsulent."""
    groups = defaultdict(list)
    for case, referral, end in made:
        groups[case.is_open, referral.loket.sends_personal_data].append((case, referral, end))
    for group, members in groups.items():
        for (case, referral, end), status in zip(members, _statuses(rng, group, len(members)), strict=True):
            if end - referral.made_at <= _QUIET:  # made within the hour: nothing has happened to it yet
                status = referral.status
            # When it changed last: most referrals move on soon after they are made.
            at = min(referral.made_at + _QUIET + (end - referral.made_at - _QUIET) * rng.random() ** 2, end)
            if referral.loket.sends_personal_data:
                status = _through_the_gate(rng, now, case, referral, status, at, package_purpose, result)
            if status != referral.status:
                _moved_on(rng, referral, status, at=at)
            result.referrals.append(referral)


def _statuses(rng: random.Random, group: tuple[bool, bool], count: int) -> list[str]:
    """`count` statuses in the group's proportions, shuffled: the i-th is the one at i / count along
    them, so that even a small demo has the group's first status and, from a few on, the others."""
    statuses, weights = zip(*_STATUSES[group].items(), strict=True)
    bounds = list(itertools.accumulate(weights))
    drawn = [statuses[bisect.bisect_right(bounds, index * bounds[-1] / count)] for index in range(count)]
    rng.shuffle(drawn)
    return drawn


def _moved_on(rng, referral: Referral, status: str, *, at: dt.datetime) -> None:
    """The referral's later status, changed by the advisor who made it (history: made, then this)."""
    referral._demo_as_made = (referral.made_at, referral.made_by, {"status": referral.status, "notes": ""})
    referral.status = status
    if status == ReferralStatus.DECLINED:
        referral.decline_reason = rng.choice(DECLINE_REASONS)
    elif status == ReferralStatus.WITHDRAWN and not referral.notes:
        referral.notes = rng.choice(_WITHDRAWN_NOTES)
    referral._history_date = at


def _through_the_gate(rng, now, case: _Case, referral: Referral, status: str, at, purpose, made: _Made) -> str:
    """The consent and package behind a referral to a loket that receives personal data, the
    referral's last change at `at`; returns the status it can have (without a parent with
    authority nothing could be sent)."""
    if case.giver is None:
        return ReferralStatus.WAITING_FOR_CONSENT if case.is_open or status == referral.status else (
            ReferralStatus.WITHDRAWN)  # fmt: skip
    given_at = referral.made_at + (at - referral.made_at) * rng.uniform(0.0, 0.2)  # on the call, or soon after
    if status == ReferralStatus.WAITING_FOR_CONSENT:
        if rng.random() < _WAITING_WITH_LAPSED_CONSENT and now - given_at > dt.timedelta(days=3):
            lapsed = end_of_validity(given_at, (now - given_at) * rng.uniform(0.2, 0.7))
            made.consents.append(_consent(rng, case, referral, purpose, given_at, min(lapsed, now)))
        return status
    consent = _consent(rng, case, referral, purpose, given_at)
    made.consents.append(consent)
    if status == ReferralStatus.WITHDRAWN:  # the parent withdrew the consent before the package went
        reason = rng.choice(WITHDRAWAL_REASONS)
        demo_consent_withdrawn(consent, at=min(at, consent.valid_until), by=referral.made_by, reason=reason)
        referral.notes = _("Consent withdrawn: %(reason)s") % {"reason": reason}
    elif status in _SENT:  # the package went at once, or (registered) is the last change
        sent_at = at if status == ReferralStatus.REGISTERED else given_at + (at - given_at) * rng.uniform(0.0, 0.5)
        made.disclosures.append(demo_disclosure(consent, by=referral.made_by, made_at=sent_at))
    return status


def _consent(rng, case: _Case, referral: Referral, purpose, given_at, valid_until=None):
    extra = [category for category, share in ((DataCategory.NOTES, 0.5), (DataCategory.HEALTH, 0.3))
             if rng.random() < share]  # fmt: skip
    return demo_consent(
        case_id=case.pk, purpose=purpose, recipient=(referral.loket.code, referral.loket.name),
        categories=_PACKAGE_CATEGORIES + extra, child_name=case.child_name, giver=case.giver, by=referral.made_by,
        given_at=given_at, valid_until=valid_until,
    )  # fmt: skip
