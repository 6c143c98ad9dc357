"""Whether the giver of a consent has parental authority now, as the case records it.

A consent row keeps the authority recorded when it was given. The gate and the screens ask
the case instead (caseflow.cases.parties: intake's answer), so that a correction of the caller stops
what was allowed, and the case page says why the consent no longer counts.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from caseflow.cases.models import Case
from caseflow.cases.parties import case_parties
from consent.models import Authority, ConsentRecord


def authority_now(case: Case) -> dict[int, str]:
    """Each caller's parental authority (yes / no / unknown) as the case records it now."""
    return {party.id: party.authority for party in case_parties(case).people}


def giver_authority(record: ConsentRecord, authority: dict[int, str]) -> str | None:
    """The giver's authority now; None when the giver is no longer one of the case's callers.

    A giver who was never one of them (giver_id empty) has only the authority recorded with the consent.
    """
    if record.giver_id is None:
        return record.giver_authority
    return authority.get(record.giver_id)


def giver_has_authority(record: ConsentRecord, authority: dict[int, str]) -> bool:
    return giver_authority(record, authority) == Authority.YES


def giver_counts(record: ConsentRecord, authority: dict[int, str], *, needs_authority: bool) -> bool:
    """Whether the giver's consent counts now.

    For the child's data the giver needs parental authority. A purpose about the caller's own data
    (the parent panel: their own name and number) needs none, but the giver must still be one of
    the case's callers: what goes out is their contact details as the case holds them now.
    """
    if needs_authority:
        return giver_has_authority(record, authority)
    return giver_authority(record, authority) is not None


def why_giver_does_not_count(record: ConsentRecord, authority: dict[int, str]) -> str:
    """Why this consent does not count for want of parental authority now (or, for a purpose
    that needs none, because the giver left the case); "" when it counts."""
    now = giver_authority(record, authority)
    if now is None:
        return _("The person who gave it is no longer one of the case's callers.")
    if now == Authority.YES or not record.purpose.needs_parental_authority:
        return ""
    if now == Authority.NO:
        return _("The person who gave it has no parental authority, as the case now records.")
    return _("The parental authority of the person who gave it is now unknown.")
