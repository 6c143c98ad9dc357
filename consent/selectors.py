"""The consent state of a case, as the case page and the parent's overview show it."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from caseflow.cases.models import Case
from consent.authority import authority_now, why_giver_does_not_count
from consent.models import ConsentRecord, Disclosure, Purpose, RecipientNotice
from consent.recipients import recipient_choices


@dataclass(frozen=True)
class Cell:
    purpose: Purpose
    recipient_name: str  # the record's own recipient; for a missing consent, those the purpose is for
    state: str  # given / not_counting / expired / withdrawn / missing
    record: ConsentRecord | None
    reason: str = ""  # why a consent that would stand does not count


def _state(record: ConsentRecord, now) -> str:
    if record.withdrawn_at and record.withdrawn_at <= now:
        return "withdrawn"
    if record.valid_until <= now:
        return "expired"
    return "given"


def active_purposes() -> list[Purpose]:
    return list(Purpose.objects.filter(active=True))


def consent_matrix(case: Case, records: list[ConsentRecord], active: list[Purpose]) -> list[Cell]:
    """Each purpose with a row per recipient it has consents for, where the latest record of the
    pair decides; a purpose without any, once, as missing, with the recipients it is for.

    A consent given by someone without parental authority as the case records it now does not
    count (the gate asks the same): it shows as not counting, with the reason. No records, no rows.
    `active` is active_purposes(), which the case's consent panel reads once for this and its offers.
    """
    if not records:
        return []
    now = timezone.now()
    authority = authority_now(case)
    latest = {(r.purpose_id, r.recipient_code): r for r in sorted(records, key=lambda r: (r.given_at, r.pk))}
    purposes = {p.pk: p for p in active} | {r.purpose_id: r.purpose for r in records}
    recipient_names = None
    cells = []
    for purpose in sorted(purposes.values(), key=lambda p: p.name):
        own = sorted((r for (purpose_id, _code), r in latest.items() if purpose_id == purpose.pk),
                     key=lambda r: r.recipient_name)
        cells.extend(_cell(record, authority, now) for record in own)
        if not own:
            recipient_names = recipient_names or dict(recipient_choices())
            fitting = ", ".join(recipient_names.get(code, code) for code in purpose.recipient_codes)
            cells.append(Cell(purpose, fitting, "missing", None))
    return cells


def _cell(record: ConsentRecord, authority: dict[int, str], now) -> Cell:
    state = _state(record, now)
    reason = why_giver_does_not_count(record, authority) if state == "given" else ""
    return Cell(record.purpose, record.recipient_name, "not_counting" if reason else state, record, reason)


def consent_records(case: Case) -> list[ConsentRecord]:
    return list(ConsentRecord.objects.filter(case=case).select_related("purpose", "recorded_by", "withdrawn_by"))


def disclosures_of(case: Case) -> list[Disclosure]:
    return list(Disclosure.objects.filter(case=case).select_related("purpose", "made_by"))


@dataclass(frozen=True)
class Shared:
    disclosure: Disclosure
    recipient_name: str


def shared_with(case: Case) -> list[Shared]:
    """What left the helpline for the case, each with its recipient's name (the log keeps the code)."""
    names = dict(recipient_choices())
    return [Shared(d, names.get(d.recipient_code, d.recipient_code)) for d in disclosures_of(case) if d.allowed]


def open_notices(case: Case) -> list[RecipientNotice]:
    return list(RecipientNotice.objects.filter(case=case, done_at__isnull=True))
