"""The consent state of a case, as the case page and the parent's overview show it."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from caseflow.models import Case
from consent.models import ConsentRecord, Disclosure, Purpose, RecipientNotice


@dataclass(frozen=True)
class Cell:
    purpose: Purpose
    recipient_name: str
    state: str  # given / expired / withdrawn / missing
    record: ConsentRecord | None


def _state(record: ConsentRecord, now) -> str:
    if record.withdrawn_at and record.withdrawn_at <= now:
        return "withdrawn"
    if record.valid_until <= now:
        return "expired"
    return "given"


def consent_matrix(records: list[ConsentRecord]) -> list[Cell]:
    """Every active purpose for every recipient the case has consents for, with its state.

    The latest record of a pair decides; a pair without any is "missing".
    """
    now = timezone.now()
    records = sorted(records, key=lambda r: (r.given_at, r.pk))
    latest = {(r.purpose_id, r.recipient_code): r for r in records}
    recipients = {r.recipient_code: r.recipient_name for r in records}
    cells = []
    for purpose in Purpose.objects.filter(active=True):
        for code, name in sorted(recipients.items(), key=lambda item: item[1]):
            record = latest.get((purpose.pk, code))
            cells.append(Cell(purpose, name, _state(record, now) if record else "missing", record))
    return cells


def consent_records(case: Case) -> list[ConsentRecord]:
    return list(ConsentRecord.objects.filter(case=case).select_related("purpose", "recorded_by", "withdrawn_by"))


def disclosures_of(case: Case) -> list[Disclosure]:
    return list(Disclosure.objects.filter(case=case).select_related("purpose", "made_by"))


def open_notices(case: Case) -> list[RecipientNotice]:
    return list(RecipientNotice.objects.filter(case=case, done_at__isnull=True))
