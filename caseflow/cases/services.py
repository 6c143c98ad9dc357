"""Every write to a case: one transaction each, history with the acting user.

Edits carry the version the user saw (optimistic locking, cases/locking.py), so of
two advisors saving the same case the second is told, and nothing of the first is lost.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caseflow.accounts.models import User
from caseflow.cases.locking import case_lock
from caseflow.cases.models import OPEN_STATUSES, AtHome, Case, CaseReferenceCounter, CaseStatus, CloseReason, Topic
from caseflow.notifications.services import notify, team_leads

# What else ends when a case closes (its open call-backs), registered by the concern that owns it
# when the app starts (caseflow/apps.py): every concern that writes to a case builds on this module.
_CLOSE_HOOKS: dict[str, Callable[..., object]] = {}


def register_close_hook(key: str, hook: Callable[..., object]) -> None:
    """`hook(case=case, by=user)` runs inside the transaction that closes the case."""
    _CLOSE_HOOKS[key] = hook


def _save(case: Case, by: User | None, **kwargs) -> None:
    case._history_user = by
    case.save(**kwargs)


def case_reference_next(*, year: int) -> str:
    """The next reference of the year, e.g. OO-2026-0042; numbers never repeat.

    The year's counter row is locked, so two advisors opening cases at the same
    moment get different numbers; must run inside the caller's transaction.
    """
    CaseReferenceCounter.objects.bulk_create([CaseReferenceCounter(year=year)], ignore_conflicts=True)
    counter = CaseReferenceCounter.objects.select_for_update().get(year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"{settings.CASE_REFERENCE_PREFIX}-{year}-{counter.last_number:04d}"


@transaction.atomic
def case_open(
    *,
    by: User,
    owner: User | None,
    topics: Iterable[Topic] = (),
    summary: str = "",
    opened_at: datetime | None = None,
) -> Case:
    opened_at = opened_at or timezone.now()
    case = Case(
        reference=case_reference_next(year=timezone.localtime(opened_at).year),
        owner=owner,
        summary=summary,
        opened_at=opened_at,
    )
    _save(case, by)
    case.topics.set(topics)
    return case


@transaction.atomic
def case_update(
    *, case: Case, expected_version: int, by: User, summary: str, topics: Iterable[Topic], owner: User | None
) -> Case:
    case = case_lock(case_id=case.pk, expected_version=expected_version)
    new_owner = owner is not None and owner.pk != case.owner_id
    case.summary, case.owner = summary, owner
    case.version += 1
    _save(case, by)
    case.topics.set(topics)
    if new_owner:
        _tell_new_owner(case, by)
    return case


def _tell_new_owner(case: Case, by: User) -> None:
    if case.owner_id != by.pk:
        notify(recipients=[case.owner], key=f"case:{case.pk}:assigned:{case.version}", kind="assigned", case=case)


# Which status a user may move an open case to; closing and reopening have their own services.
_OPEN_TRANSITIONS = {status: set(OPEN_STATUSES) - {status, CaseStatus.NEW} for status in OPEN_STATUSES}


@transaction.atomic
def case_set_status(*, case: Case, expected_version: int, by: User, status: str) -> Case:
    case = case_lock(case_id=case.pk, expected_version=expected_version)
    if status not in _OPEN_TRANSITIONS.get(case.status, set()):
        raise ValidationError(
            _("A case cannot go from “%(old)s” to “%(new)s”.")
            % {"old": case.get_status_display(), "new": CaseStatus(status).label},
            code="invalid_transition",
        )
    case.status = status
    case.version += 1
    _save(case, by)
    return case


@transaction.atomic
def case_close(*, case: Case, expected_version: int, by: User, reason: str, note: str = "") -> Case:
    case = case_lock(case_id=case.pk, expected_version=expected_version)
    if not case.is_open:
        raise ValidationError(_("This case is already closed."), code="already_closed")
    if reason not in CloseReason.values:
        raise ValidationError(_("Choose why the case is closed."), code="reason_required")
    if reason == CloseReason.OTHER and not note.strip():
        raise ValidationError(_("Explain why the case is closed."), code="note_required")
    case.status, case.close_reason, case.close_note = CaseStatus.CLOSED, reason, note.strip()
    case.closed_at = timezone.now()
    case.version += 1
    _save(case, by)
    for hook in _CLOSE_HOOKS.values():  # nobody calls back about a closed case, and the like
        hook(case=case, by=by)
    return case


@transaction.atomic
def case_reopen(*, case: Case, expected_version: int, by: User) -> Case:
    case = case_lock(case_id=case.pk, expected_version=expected_version)
    if case.is_open:
        raise ValidationError(_("This case is open already."), code="already_open")
    case.status = CaseStatus.IN_PROGRESS
    case.closed_at, case.close_reason, case.close_note = None, "", ""
    case.version += 1
    _save(case, by)
    return case


def case_record_contact(
    *, case: Case, by: User, contact_at: datetime, at_home: str, at_home_since: date | None
) -> Case:
    """Keep the case's facts in step with a newly logged contact.

    Called by the service that logs the contact, inside its transaction, on a
    case it locked. A contact logged after the fact (an e-mail from last week)
    does not overwrite what a later call said. The version is not raised: a
    contact touches none of the fields of the case's edit form, and an advisor
    editing the summary while a colleague logs a call should not be refused.
    """
    had_contact = case.last_contact_at is not None
    if not had_contact or contact_at >= case.last_contact_at:
        case.last_contact_at = contact_at
        case.at_home = at_home
        case.at_home_since = at_home_since if at_home != AtHome.NO else None
    if had_contact and case.status == CaseStatus.NEW:
        # A second contact: the case is being worked on.
        case.status = CaseStatus.IN_PROGRESS
    _save(case, by)
    return case


@transaction.atomic
def cases_reassign(*, case_ids: Iterable[int], by: User, owner: User | None) -> list[Case]:
    """Give cases to another advisor (or the team queue), all or none; the new owner is told.

    The version is raised, like any edit of the owner: a colleague's edit form
    opened before the reassignment cannot quietly give the case back.
    """
    moved = []
    for case_id in sorted(set(case_ids)):  # a fixed order, so two team leads never deadlock
        case = case_lock(case_id=case_id)
        if case.owner_id == (owner.pk if owner else None):
            continue
        case.owner = owner
        case.version += 1
        _save(case, by)
        moved.append(case)
        if owner is not None:
            _tell_new_owner(case, by)
    return moved


@transaction.atomic
def case_request_review(*, case: Case, by: User, question: str) -> Case:
    """An advisor asks the team leads to look at a case; they are notified."""
    if not question.strip():
        raise ValidationError(_("Write down what the team lead should look at."), code="question_required")
    case = case_lock(case_id=case.pk)
    case.review_requested_at, case.review_requested_by = timezone.now(), by
    case.review_question = question.strip()
    _save(case, by)
    key = f"case:{case.pk}:review:{case.review_requested_at:%Y%m%dT%H%M%S}"
    notify(recipients=[lead for lead in team_leads() if lead != by], key=key, kind="review_requested", case=case)
    return case


@transaction.atomic
def case_mark_reviewed(*, case: Case, by: User, comment: str) -> Case:
    """A team lead's answer: the request leaves the queue, the advisor who asked is told."""
    if not comment.strip():
        raise ValidationError(_("Write down your comment on the case."), code="comment_required")
    case = case_lock(case_id=case.pk)
    asked_by = case.review_requested_by
    case.reviewed_at, case.reviewed_by, case.review_comment = timezone.now(), by, comment.strip()
    case.review_requested_at = None
    _save(case, by)
    if asked_by is not None and asked_by != by:
        key = f"case:{case.pk}:reviewed:{case.reviewed_at:%Y%m%dT%H%M%S}"
        notify(recipients=[asked_by], key=key, kind="reviewed", case=case)
    return case
