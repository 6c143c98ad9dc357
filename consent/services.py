"""Giving and withdrawing consent, the gate, and disclosures through it.

`consent_gate` is the one place that says whether data may leave for a
recipient. `disclosure_make` is the only way to produce data for a recipient:
it asks the gate, logs the attempt either way, and hands out the content only
when allowed. Giving, withdrawing and disclosing lock the case row, so a
withdrawal and a disclosure never overlap: a disclosure after a withdrawal
is refused, however close together they come.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from caseflow.accounts.models import User
from caseflow.cases.locking import case_lock
from caseflow.cases.models import Case
from consent.authority import authority_now, giver_counts
from consent.models import (
    Authority,
    ConsentRecord,
    DataCategory,
    Disclosure,
    Purpose,
    RecipientNotice,
    category_labels,
)
from consent.signals import consent_withdrawn


@dataclass(frozen=True)
class GateAnswer:
    allowed: bool
    reason: str
    code: str
    records: tuple[ConsentRecord, ...] = field(default=())


class DisclosureRefused(Exception):
    def __init__(self, answer: GateAnswer):
        self.answer = answer
        super().__init__(answer.reason)


def _when(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "j F Y H:i")


def consent_gate(
    *, case: Case, purpose: Purpose, recipient_code: str, categories: Iterable[str], at: datetime | None = None
) -> GateAnswer:
    """May these categories of this case go to this recipient for this purpose, now?

    Every category asked must be covered by a consent that stands at that moment (given,
    not withdrawn, not expired) from someone with parental authority as the case records
    it now. Separate consents may together cover what is asked; the answer names each one
    it relies on. The reasons name no one and repeat no withdrawal reason: the disclosure
    log keeps them after the case's personal data is gone.
    """
    wanted = set(categories)
    if not wanted:
        raise ValueError("Ask the consent gate about at least one data category.")
    records = list(ConsentRecord.objects.filter(case=case, purpose=purpose))
    return gate_decide(records, authority_now(case), purpose=purpose, recipient_code=recipient_code, wanted=wanted,
                       at=at or timezone.now())


def gate_decide(
    records: list[ConsentRecord], authority: dict[int, str], *, purpose: Purpose, recipient_code: str,
    wanted: set[str], at: datetime,
) -> GateAnswer:
    """The gate's answer from one case's consents for the purpose and its callers' authority now
    (authority_now): consent_gate reads them for one case, an export for many at once."""
    records = [r for r in records if r.given_at <= at]
    if not records:
        return _no("no_record", _("There is no consent for “%(purpose)s”.") % {"purpose": purpose})
    for_recipient = [r for r in records if r.recipient_code == recipient_code]
    if not for_recipient:
        others = ", ".join(sorted({r.recipient_name for r in records}))
        return _no("wrong_recipient", _("The consent for this purpose is for another recipient: %(others)s.")
                   % {"others": others})
    standing = [r for r in for_recipient if r.withdrawn_at is None or r.withdrawn_at > at]
    if not standing:
        last = max(for_recipient, key=lambda r: r.withdrawn_at)
        return _no("withdrawn", _("The consent was withdrawn on %(when)s.") % {"when": _when(last.withdrawn_at)})
    in_time = [r for r in standing if at < r.valid_until]
    if not in_time:
        last = max(standing, key=lambda r: r.valid_until)
        return _no("expired", _("The consent expired on %(when)s.") % {"when": _when(last.valid_until)})
    counting = [r for r in in_time if giver_counts(r, authority, needs_authority=purpose.needs_parental_authority)]
    if not counting and not purpose.needs_parental_authority:
        return _no("giver_gone", _("The person who gave it is no longer one of the case's callers."))
    if not counting:
        return _no("no_authority", _("The consent was given by someone who, as the case now records, has no "
                                     "parental authority or whose authority is unknown."))
    relied_on = [r for r in counting if wanted & set(r.categories)]
    missing = wanted - _covered(relied_on)
    if missing:
        return _no("category_not_covered", _("The consent does not cover: %(missing)s.")
                   % {"missing": ", ".join(category_labels(missing))})
    # Both parents decide together about their child's data; each decides alone about their own.
    if settings.CONSENT_BOTH_PARENTS and purpose.needs_parental_authority:
        holders = {giver for giver, now in authority.items() if now == Authority.YES}
        without = {holder for holder in holders if not wanted <= _covered(r for r in relied_on if r.giver_id == holder)}
        if without:
            return _no("both_parents", _("Every parent with authority must agree; %(count)s has not.")
                       % {"count": len(without)})
    given_on = ", ".join(_when(r.given_at) for r in relied_on)
    return GateAnswer(True, _("Allowed under consent given on %(when)s.") % {"when": given_on}, "allowed",
                      tuple(relied_on))


def consented_categories(*, case: Case, purpose: Purpose, recipient_code: str, at: datetime | None = None) -> set[str]:
    """The data categories that the consents standing now cover together, counting only givers
    whose consent counts as the case now records them (what the gate would let out)."""
    records = ConsentRecord.objects.filter(case=case, purpose=purpose, recipient_code=recipient_code)
    return _covered_now(records, authority_now(case), at=at or timezone.now(),
                        needs_authority=purpose.needs_parental_authority)


def recipients_cleared(
    *, case: Case, purpose: Purpose, recipient_codes: Iterable[str], at: datetime | None = None
) -> set[str]:
    """Those of the recipients to which the gate lets out, now, everything their consents for the
    purpose cover: what a referral's package would carry if it were sent.

    One read for all of them, so that a page shows any number of referrals with the same queries.
    """
    codes = set(recipient_codes)
    if not codes:
        return set()
    at = at or timezone.now()
    # Only these recipients' consents: the others change the wording of a refusal, never whether it is one.
    records = list(ConsentRecord.objects.filter(case=case, purpose=purpose, recipient_code__in=codes))
    if not records:
        return set()
    authority = authority_now(case)
    cleared = set()
    for code in codes:
        covered = _covered_now([r for r in records if r.recipient_code == code], authority, at=at,
                               needs_authority=purpose.needs_parental_authority)
        if covered and gate_decide(records, authority, purpose=purpose, recipient_code=code, wanted=covered,
                                   at=at).allowed:
            cleared.add(code)
    return cleared


def _covered_now(
    records: Iterable[ConsentRecord], authority: dict[int, str], *, at: datetime, needs_authority: bool
) -> set[str]:
    """What the consents standing at `at` cover together, counting only givers whose consent counts
    now (giver_counts: a giver who left the case never does)."""
    return _covered(
        r for r in records
        if r.given_at <= at < r.valid_until and (r.withdrawn_at is None or r.withdrawn_at > at)
        and giver_counts(r, authority, needs_authority=needs_authority)
    )


def _covered(records: Iterable[ConsentRecord]) -> set[str]:
    return set().union(*(set(record.categories) for record in records))


def _no(code: str, reason: str) -> GateAnswer:
    return GateAnswer(False, reason, code)


@transaction.atomic
def consent_give(
    *,
    case: Case,
    purpose: Purpose,
    recipient_code: str,
    recipient_name: str,
    categories: Iterable[str],
    child_name: str,
    giver_id: int | None,
    giver_name: str,
    giver_authority: str,
    method: str,
    valid_until: datetime,
    by: User,
    school_proposed: bool = False,
    shown_version: int | None = None,
) -> ConsentRecord:
    """Record a consent with the purpose's text as the parent heard it.

    shown_version is the text version the advisor had on screen: when the text has changed
    since, the consent is refused (the parent agreed to other words). Without it, the current
    text is the one recorded.
    """
    categories = sorted(set(categories))
    if not categories or not set(categories) <= set(DataCategory.values):
        raise ValidationError(_("Choose which kinds of data the consent covers."), code="categories")
    beyond = purpose.categories_beyond(categories)
    if beyond:
        raise ValidationError(
            _("The purpose “%(purpose)s” covers only: %(allowed)s.")
            % {"purpose": purpose, "allowed": ", ".join(category_labels(purpose.category_codes))},
            code="categories_purpose",
        )
    if giver_authority == Authority.NO and purpose.needs_parental_authority:
        raise ValidationError(
            _("%(name)s has no parental authority and cannot give a valid consent for the child.")
            % {"name": giver_name},
            code="no_authority",
        )
    if valid_until <= timezone.now():
        raise ValidationError(_("A consent must be valid until a moment in the future."), code="valid_until")
    case_lock(case_id=case.pk)
    purpose = Purpose.objects.get(pk=purpose.pk)  # the text as stored now, not as the caller last read it
    if shown_version is not None and shown_version != purpose.version:
        raise ValidationError(
            _("The text of this purpose changed after the form was opened (it is now version %(version)s). Read "
              "the new text to the parent, then record the consent again.") % {"version": purpose.version},
            code="text_changed",
        )
    record = ConsentRecord(
        case=case, purpose=purpose, purpose_text=purpose.text, purpose_version=purpose.version,
        recipient_code=recipient_code, recipient_name=recipient_name, categories=categories,
        child_name=child_name, giver_id=giver_id, giver_name=giver_name, giver_authority=giver_authority,
        method=method, valid_until=valid_until, recorded_by=by, school_proposed=school_proposed,
    )
    record._history_user = by
    record.save()
    return record


@transaction.atomic
def consent_withdraw(*, record: ConsentRecord, by: User, reason: str, at: datetime | None = None) -> ConsentRecord:
    """Withdrawn in one step: disclosures stop at once, what waited on it is stopped,
    and every recipient that already received data under it becomes a task for the advisor."""
    if not reason.strip():
        raise ValidationError(_("Say why the consent is withdrawn."), code="reason_required")
    case_lock(case_id=record.case_id)
    record = ConsentRecord.objects.get(pk=record.pk)
    if record.withdrawn_at is not None:
        raise ValidationError(_("This consent was withdrawn already."), code="already_withdrawn")
    record.withdrawn_at, record.withdrawn_by, record.withdrawal_reason = at or timezone.now(), by, reason.strip()
    record._history_user = by
    record.save()
    if _was_disclosed_under(record):
        notice = RecipientNotice(consent=record, case_id=record.case_id, recipient_name=record.recipient_name)
        notice._history_user = by
        notice.save()
    consent_withdrawn.send(sender=ConsentRecord, record=record, by=by)
    return record


def _was_disclosed_under(record: ConsentRecord) -> bool:
    allowed = Disclosure.objects.filter(case_id=record.case_id, allowed=True).values_list("consent_ids", flat=True)
    return any(record.pk in ids for ids in allowed)


@transaction.atomic
def notice_done(*, notice: RecipientNotice, by: User) -> RecipientNotice:
    notice = RecipientNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.done_at is None:
        notice.done_at, notice.done_by = timezone.now(), by
        notice._history_user = by
        notice.save()
    return notice


def disclosure_make(
    *,
    case: Case,
    purpose: Purpose,
    recipient_code: str,
    categories: Iterable[str],
    by: User,
    content: Callable[[set[str]], bytes],
    at: datetime | None = None,
) -> bytes:
    """The content for the recipient, made only if the gate allows; every attempt is logged.

    Raises DisclosureRefused when the gate says no, after the refusal is committed
    (so do not call this inside a transaction that an exception would roll back).
    """
    categories = sorted(set(categories))
    with transaction.atomic():
        case_lock(case_id=case.pk)
        answer = consent_gate(case=case, purpose=purpose, recipient_code=recipient_code, categories=categories, at=at)
        log = Disclosure(case=case, purpose=purpose, recipient_code=recipient_code, categories=categories,
                         allowed=answer.allowed, made_by=by, made_at=at or timezone.now())
        made = b""
        if answer.allowed:
            made = content(set(categories))
            log.consent_ids = [record.pk for record in answer.records]
            log.content_sha256 = hashlib.sha256(made).hexdigest()
        else:
            log.refusal_code, log.refusal = answer.code, answer.reason
        log._history_user = by
        log.save()
    if not answer.allowed:
        raise DisclosureRefused(answer)
    return made
