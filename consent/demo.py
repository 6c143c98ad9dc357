"""Demo consents for `make run` and `make bench`: 0.15 per case (30,000 at 200,000 cases).

Each consent is for one purpose and one recipient, given on a call by a caller of the case
with parental authority, with the purpose's text and version as they stand, and recorded by
the case's advisor. Valid, expired (the default year passed, or a shorter term the parent
chose) and withdrawn ones (with the moment, the advisor and a reason), as on a real line.

The consents a referral to an onderwijsconsulent needs are made by the referrals' seeder,
which runs first and uses the builders below (it knows its referrals; consent does not); this
seeder adds the others (calling back, the helpline contacting the school, the consultant
asking the school, the parent panel) up to the share per case. Rows and history are written
in bulk, as their saves would (caseflow.demo.demo_rows_insert).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone, translation

from caseflow.cases.models import Case, CaseStatus
from caseflow.cases.parties import case_parties
from caseflow.demo import demo_newest_cases, demo_rows_insert
from consent.models import Authority, ConsentMethod, ConsentRecord, DataCategory, Disclosure, Purpose
from consent.recipients import recipient_choices

CONSENTS_PER_CASE = 0.15
# What the consent form offers by default (consent/forms.py), to the end of that day.
VALIDITY = dt.timedelta(days=365)
WITHDRAWAL_REASONS = [
    "Ouder wil de zaak eerst zelf met school oplossen.",
    "Ouder heeft een andere hulpverlener gevonden.",
    "Ouder wil niet dat gegevens worden gedeeld.",
    "Situatie is opgelost; toestemming niet meer nodig.",
]
# The purposes this seeder gives, with how often and which data each covers; a purpose of
# consent/data/purposes.json not listed here is given now and then, for contact details.
# "consultant-request-*" only on a case whose package went to an onderwijsconsulent.
_PURPOSES = {
    "callback-voicemail": (45, [DataCategory.CONTACT]),
    "helpline-contacts-school": (25, [DataCategory.CONTACT, DataCategory.SCHOOL, DataCategory.SUPPORT]),
    "consultant-request-school": (8, [DataCategory.SCHOOL, DataCategory.SUPPORT]),
    "consultant-request-swv": (5, [DataCategory.SCHOOL, DataCategory.SUPPORT]),
    "consultant-request-care": (4, [DataCategory.SUPPORT, DataCategory.HEALTH]),
    "ouderpanel": (10, [DataCategory.CONTACT]),
}
_OTHER_PURPOSE = (3, [DataCategory.CONTACT])
_CONSULTANT_PURPOSES = ("consultant-request-school", "consultant-request-swv", "consultant-request-care")
PACKAGE_PURPOSE = "share-summary-consultant"  # as referrals/package.py names it
# Of this seeder's consents: how many are withdrawn, and how many lapse sooner than the default
# year; the rest stand, unless their year is over (most consents on an old, closed case).
_WITHDRAWN_SHARE = 0.12
_SHORT_TERM_SHARE = 0.1
_SETTLED = dt.timedelta(days=2)
CHUNK = 5_000


# --- Builders, also for the referrals' seeder ------------------------------------------------


@dataclass(frozen=True)
class Giver:
    """A caller of the case with parental authority, as the consent records them."""

    caller_id: int
    name: str


def end_of_validity(given_at: dt.datetime, term: dt.timedelta = VALIDITY) -> dt.datetime:
    """As the form stores it: the end of the local day the term ends on."""
    day = timezone.localtime(given_at + term).date()
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59)))


def demo_consent(
    *, case_id: int, purpose: Purpose, recipient: tuple[str, str], categories: Iterable[str], child_name: str,
    giver: Giver, by, given_at: dt.datetime, valid_until: dt.datetime | None = None,
) -> ConsentRecord:  # fmt: skip
    """A consent given by phone on a call, as consent_give records it (by: the advisor)."""
    record = ConsentRecord(
        case_id=case_id, purpose=purpose, purpose_text=purpose.text, purpose_version=purpose.version,
        recipient_code=recipient[0], recipient_name=recipient[1], categories=sorted(set(categories)),
        child_name=child_name, giver_id=giver.caller_id, giver_name=giver.name, giver_authority=Authority.YES,
        method=ConsentMethod.PHONE, given_at=given_at, valid_until=valid_until or end_of_validity(given_at),
        recorded_by=by,
    )  # fmt: skip
    record._history_date, record._history_user = given_at, by
    return record


def demo_consent_withdrawn(record: ConsentRecord, *, at: dt.datetime, by, reason: str) -> ConsentRecord:
    """The consent withdrawn at `at` (its history: given, then withdrawn)."""
    record._demo_as_made = (record.given_at, record.recorded_by, {"withdrawn_at": None, "withdrawn_by": None,
                                                                   "withdrawal_reason": ""})  # fmt: skip
    record.withdrawn_at, record.withdrawn_by, record.withdrawal_reason = at, by, reason
    record._history_date, record._history_user = at, by
    return record


def demo_disclosure(record: ConsentRecord, *, by, made_at: dt.datetime) -> Disclosure:
    """What left under the consent, as the gate allowed it; its consent's id is filled in on insert."""
    digest = hashlib.sha256(f"{record.case_id}:{record.recipient_code}:{made_at.isoformat()}".encode()).hexdigest()
    disclosure = Disclosure(
        case_id=record.case_id, purpose=record.purpose, recipient_code=record.recipient_code,
        categories=record.categories, allowed=True, consent_ids=[], content_sha256=digest, made_by=by,
        made_at=made_at,
    )  # fmt: skip
    disclosure._demo_consent = record
    disclosure._history_date, disclosure._history_user = made_at, by
    return disclosure


def demo_consents_insert(records: list[ConsentRecord], disclosures: list[Disclosure] = ()) -> None:
    """The consents with their history, then the disclosures made under them."""
    demo_rows_insert(ConsentRecord, records)
    for disclosure in disclosures:
        disclosure.consent_ids = [disclosure._demo_consent.pk]
    demo_rows_insert(Disclosure, list(disclosures))


def purposes_by_code() -> dict[str, Purpose]:
    return {purpose.code: purpose for purpose in Purpose.objects.filter(active=True)}


def recipient_names() -> dict[str, str]:
    """Each recipient's name as the consent form offers it (in Dutch, as the advisor saw it)."""
    with translation.override("nl"):
        return dict(recipient_choices())


# --- The seeder ------------------------------------------------------------------------------


@dataclass
class _Case:
    pk: int
    is_open: bool
    owner_id: int
    opened_at: dt.datetime  # its first call
    last_contact_at: dt.datetime  # its latest call
    closed_at: dt.datetime | None
    child_name: str = ""
    giver: Giver | None = None
    parties_read: bool = False
    packages: set[str] | None = None  # the consultants its package consent went to
    given: set[tuple[str, str]] | None = None  # (purpose, recipient) it has a consent for


def demo_consents_seed(*, cases: int, seed: int = 15) -> int:
    """Consents on the newest `cases` cases, up to CONSENTS_PER_CASE of them counting those the
    referrals' seeder made; returns how many this seeder added."""
    newest = demo_newest_cases(cases)
    wanted = round(CONSENTS_PER_CASE * newest.count()) - ConsentRecord.objects.filter(case__in=newest).count()
    candidates = _cases(newest) if wanted > 0 else []
    if not candidates:
        return 0
    rng, now = random.Random(seed), timezone.now()
    purposes, names = purposes_by_code(), recipient_names()
    advisors = get_user_model().objects.in_bulk({case.owner_id for case in candidates})
    picks = _picks(rng, candidates, purposes, names, wanted)
    # On the case's first or its latest call (never after its closing, nor in the future).
    given = [min(rng.choice([case.opened_at, case.last_contact_at]) + dt.timedelta(minutes=rng.randint(3, 25)),
                 case.closed_at or now, now) for case, _purpose, _recipient in picks]  # fmt: skip
    states = _states(rng, [now - given_at > _SETTLED for given_at in given])
    records = []
    for (case, purpose, recipient), given_at, state in zip(picks, given, states, strict=True):
        records.append(_consent(rng, now, case, purpose, (recipient, names.get(recipient, recipient)), given_at,
                                state, advisors[case.owner_id]))  # fmt: skip
    with transaction.atomic():
        for start in range(0, len(records), CHUNK):
            demo_consents_insert(records[start : start + CHUNK])
    return len(records)


def _cases(newest) -> list[_Case]:
    """The cases that have had a call, with the consents they have already."""
    rows = newest.filter(owner__isnull=False, last_contact_at__isnull=False).order_by("pk")
    cases = {pk: _Case(pk, status != CaseStatus.CLOSED, owner_id, opened_at, last_contact_at, closed_at)
             for pk, status, owner_id, opened_at, last_contact_at, closed_at
             in rows.values_list("pk", "status", "owner_id", "opened_at", "last_contact_at", "closed_at")}  # fmt: skip
    given = defaultdict(set)
    for case_id, purpose, recipient in ConsentRecord.objects.filter(case__in=rows).values_list(
        "case_id", "purpose__code", "recipient_code"
    ):
        given[case_id].add((purpose, recipient))
    for case in cases.values():
        case.given = given[case.pk]
        case.packages = {recipient for purpose, recipient in case.given if purpose == PACKAGE_PURPOSE}
    return list(cases.values())


def _with_giver(case: _Case) -> bool:
    """Whether the case has a caller with parental authority (the first of them gives consent), read
    through caseflow.cases.parties as the gate reads it: consent does not know the intake's callers."""
    if not case.parties_read:
        parties = case_parties(Case(pk=case.pk))  # the provider needs the case's id only
        holder = next((party for party in parties.people if party.authority == Authority.YES), None)
        case.child_name, case.giver = parties.child_name, Giver(holder.id, holder.name) if holder else None
        case.parties_read = True
    return case.giver is not None


def _picks(rng: random.Random, cases: list[_Case], purposes: dict[str, Purpose], recipients: Iterable[str],
           wanted: int) -> list[tuple]:  # fmt: skip
    """`wanted` (case, purpose, recipient) triples, open cases three times as likely (their parents
    are on the phone now), never a consent a case has already, always from a parent with authority."""
    chances = list(itertools.accumulate(3 if case.is_open else 1 for case in cases))
    picks: list[tuple] = []
    for _attempt in range(wanted * 20):
        if len(picks) == wanted:
            break
        case = rng.choices(cases, cum_weights=chances)[0]
        if not _with_giver(case):
            continue
        purpose, recipient = _purpose_for(rng, case, purposes, recipients)
        if purpose is None or (purpose.code, recipient) in case.given:
            continue
        case.given.add((purpose.code, recipient))
        picks.append((case, purpose, recipient))
    return picks


def _purpose_for(rng: random.Random, case: _Case, purposes: dict[str, Purpose],
                 recipients: Iterable[str]) -> tuple[Purpose | None, str]:  # fmt: skip
    offered = [code for code in purposes if code != PACKAGE_PURPOSE
               and (code not in _CONSULTANT_PURPOSES or case.packages)]  # fmt: skip
    if not offered:
        return None, ""
    code = rng.choices(offered, [_PURPOSES.get(code, _OTHER_PURPOSE)[0] for code in offered])[0]
    purpose = purposes[code]
    if code in _CONSULTANT_PURPOSES:
        return purpose, rng.choice(sorted(case.packages))
    return purpose, rng.choice(purpose.recipient_codes or sorted(recipients))  # empty: any recipient


def _states(rng: random.Random, settled: list[bool]) -> list[str]:
    """Per consent "withdrawn", "short" (a term shorter than a year, over by now) or "year"; only a
    consent given some days ago (settled) was withdrawn or lapsed since. At least one of each
    when three or more are settled, so that a small demo shows them all."""
    older = [index for index, is_settled in enumerate(settled) if is_settled]
    withdrawn, short = round(len(settled) * _WITHDRAWN_SHARE), round(len(settled) * _SHORT_TERM_SHARE)
    if len(older) >= 3:
        withdrawn, short = max(withdrawn, 1), max(short, 1)
    rng.shuffle(older)
    states = ["year"] * len(settled)
    for index in older[:withdrawn]:
        states[index] = "withdrawn"
    for index in older[withdrawn : withdrawn + short]:
        states[index] = "short"
    return states


def _consent(rng, now, case: _Case, purpose: Purpose, recipient: tuple[str, str], given_at: dt.datetime,
             state: str, by) -> ConsentRecord:  # fmt: skip
    categories = _PURPOSES.get(purpose.code, _OTHER_PURPOSE)[1]
    valid_until = None
    if state == "short":
        valid_until = min(end_of_validity(given_at, (now - given_at) * rng.uniform(0.2, 0.8)), now)
    record = demo_consent(case_id=case.pk, purpose=purpose, recipient=recipient, categories=categories,
                          child_name=case.child_name, giver=case.giver, by=by, given_at=given_at,
                          valid_until=valid_until)  # fmt: skip
    if state == "withdrawn":
        until = min(record.valid_until, now)
        demo_consent_withdrawn(record, at=given_at + (until - given_at) * rng.uniform(0.05, 0.95), by=by,
                               reason=rng.choice(WITHDRAWAL_REASONS))  # fmt: skip
    return record
