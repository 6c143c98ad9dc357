"""The Landelijk Ouderpanel: a parent who joins gives a consent of its own (purpose "ouderpanel",
recipient the panel, contact details only), and the team lead exports the panel's contact list
only through the consent gate.

The export is disclosure_make for many cases at once: it locks the cases with a panel consent
standing now, lets the gate decide for each (gate_decide, over consents and callers read in one
go, so the queries do not grow with the panel), and logs every case's part as a Disclosure. A
withdrawn or expired consent is not asked about at all: that parent is simply not on the list.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from caseflow.accounts.models import User
from caseflow.cases.models import Case
from caseflow.cases.parties import Party, people_of_cases
from caseflow.lib.history import bulk_create_tracked
from caseflow.lib.phones import phone_display
from consent.models import ConsentRecord, DataCategory, Disclosure, Purpose
from consent.services import GateAnswer, gate_decide

PANEL_PURPOSE = "ouderpanel"  # consent/data/purposes.json
PANEL = "landelijk-ouderpanel"  # the recipient
CONTACT_ONLY = {DataCategory.CONTACT.value}


def panel_recipients() -> list[tuple[str, str]]:
    """The panel as a recipient (registered in apps.py); its name is a name, not translated."""
    return [(PANEL, "Landelijk Ouderpanel")]


@dataclass(frozen=True)
class PanelMember:
    name: str
    phone: str  # as dialled in the Netherlands
    email: str


@dataclass(frozen=True)
class PanelExport:
    members: list[PanelMember]  # one per parent, by name
    content: bytes  # the CSV file
    case_ids: list[int]  # the cases whose parents' details are in it


def panel_export(*, by: User, at: datetime | None = None) -> PanelExport:
    """The panel's contact list as it may leave now; every case asked about is logged as a
    Disclosure (allowed, with what left as a hash, or refused with the gate's reason)."""
    at = at or timezone.now()
    purpose = Purpose.objects.get(code=PANEL_PURPOSE)
    with transaction.atomic():
        candidates = _cases_with_standing_consent(purpose, at)
        # Locked like disclosure_make's case: a withdrawal waits for the export, or the export for it.
        locked = set(Case.objects.select_for_update().filter(pk__in=candidates).order_by("pk")
                     .values_list("pk", flat=True))  # fmt: skip
        records = _records_by_case(ConsentRecord.objects.filter(purpose=purpose, case_id__in=candidates), locked)
        people = people_of_cases(candidates)
        members_by_case, disclosures = {}, []
        for case_id, case_records in records.items():
            case_people = people.get(case_id, ())
            answer = gate_decide(case_records, {p.id: p.authority for p in case_people}, purpose=purpose,
                                 recipient_code=PANEL, wanted=CONTACT_ONLY, at=at)  # fmt: skip
            members = _members(answer, case_people)
            if answer.allowed and not members:
                continue  # nothing to send (the case's details were removed): nothing left
            members_by_case[case_id] = members
            disclosures.append(_disclosure(case_id, purpose, answer, members, by=by, at=at))
        bulk_create_tracked(disclosures, Disclosure, default_user=by, default_date=at)
    members = _one_row_per_parent(m for found in members_by_case.values() for m in found)
    return PanelExport(members, panel_csv(members, header=True), sorted(members_by_case))


def _cases_with_standing_consent(purpose: Purpose, at: datetime) -> QuerySet:
    """The ids of the cases with a panel consent given, not withdrawn and not expired at `at`
    (a query, so that a large panel never becomes a long list of parameters)."""
    standing = Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=at)
    return (ConsentRecord.objects.filter(standing, purpose=purpose, recipient_code=PANEL, given_at__lte=at,
                                         valid_until__gt=at).values("case_id"))  # fmt: skip


def _records_by_case(records: QuerySet, case_ids: set[int]) -> dict[int, list[ConsentRecord]]:
    found: dict[int, list[ConsentRecord]] = {}
    for record in records:
        if record.case_id in case_ids:  # a case that gained its consent after the lock waits for the next export
            found.setdefault(record.case_id, []).append(record)
    return found


def _members(answer: GateAnswer, people: Iterable[Party]) -> list[PanelMember]:
    """The givers of the consents the gate relied on, with the details the case holds now;
    someone with neither a phone number nor an e-mail address cannot be contacted."""
    givers = {record.giver_id for record in answer.records}
    return [PanelMember(p.name, phone_display(p.phone), p.email)
            for p in people if p.id in givers and (p.phone or p.email)]  # fmt: skip


def _disclosure(
    case_id: int, purpose: Purpose, answer: GateAnswer, members: list[PanelMember], *, by: User, at: datetime
) -> Disclosure:
    disclosure = Disclosure(case_id=case_id, purpose=purpose, recipient_code=PANEL, categories=sorted(CONTACT_ONLY),
                            allowed=answer.allowed, made_by=by, made_at=at)  # fmt: skip
    if answer.allowed:
        disclosure.consent_ids = [record.pk for record in answer.records]
        disclosure.content_sha256 = hashlib.sha256(panel_csv(members, header=False)).hexdigest()
    else:
        disclosure.refusal_code, disclosure.refusal = answer.code, answer.reason
    return disclosure


def _one_row_per_parent(members: Iterable[PanelMember]) -> list[PanelMember]:
    """A parent who joined on two cases (two children) is on the list once."""
    return sorted(set(members), key=lambda m: (m.name.casefold(), m.phone, m.email))


def panel_csv(members: list[PanelMember], *, header: bool) -> bytes:
    """The list as CSV in UTF-8 with a byte order mark, so that a spreadsheet reads the accents."""
    out = io.StringIO()
    writer = csv.writer(out)
    if header:
        writer.writerow([_("Name"), _("Phone"), _("E-mail")])
    writer.writerows([_as_text(m.name), m.phone, _as_text(m.email)] for m in members)
    return ("\ufeff" if header else "").encode() + out.getvalue().encode()


def _as_text(typed: str) -> str:
    """A typed value a spreadsheet would run as a formula (=, +, -, @) is written as text. The
    phone number needs no guard: it is a validated number, shown as dialled."""
    return f"'{typed}" if typed[:1] in ("=", "+", "-", "@", "\t", "\r") else typed
