"""Call-backs: planning them in free slots, their outcomes, and cancelling them when a case closes."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from caseflow.accounts import roles
from caseflow.accounts.models import User
from caseflow.callbacks import office_hours
from caseflow.callbacks.models import Callback, CallbackStatus
from caseflow.cases.locking import case_lock
from caseflow.cases.models import Case, CaseStatus
from caseflow.notifications.models import NotificationKind
from caseflow.notifications.services import notify, team_watch

# --- Slots and load -------------------------------------------------------------


@dataclass(frozen=True)
class SlotOffer:
    starts: datetime
    assignee_load: int  # the chosen advisor's open call-backs in this slot
    team_load: int  # everyone's, the team queue included
    free: bool


def slot_offers(*, assignee: User | None, after: datetime | None = None, days: int = 5) -> list[SlotOffer]:
    """The slots of the next working days with their load; one query.

    A slot is free while the advisor has fewer call-backs in it than
    CALLBACK_SLOT_CAPACITY; for the team queue, while the team as a whole has
    fewer than that per advisor.
    """
    starts = office_hours.slots(after=after or timezone.now(), days=days)
    if not starts:
        return []
    rows = (
        Callback.objects.open()
        .filter(due_at__gte=starts[0], due_at__lte=starts[-1])
        .values_list("due_at", "assigned_to")
        .annotate(n=Count("id"))
        .order_by()
    )
    team, mine = Counter(), Counter()
    for due_at, assigned_to, n in rows:
        team[due_at] += n
        if assignee is not None and assigned_to == assignee.pk:
            mine[due_at] += n
    capacity = settings.CALLBACK_SLOT_CAPACITY
    team_capacity = capacity * max(_advisor_count(), 1)
    return [
        SlotOffer(
            starts=slot,
            assignee_load=mine[slot],
            team_load=team[slot],
            free=(mine[slot] < capacity) if assignee is not None else (team[slot] < team_capacity),
        )
        for slot in starts
    ]


def _advisor_count() -> int:
    return User.objects.filter(is_active=True, groups__name=roles.ADVISOR).count()


# Refusals about the chosen time (office hours, a full slot): the form shows them at the slot grid;
# the others (a closed case, a finished call-back, attempts used up) at the top of the form.
TIME_REFUSALS = office_hours.REFUSAL_CODES | {"slot_full"}


def _refuse_full_slot(*, assignee: User | None, due_at: datetime, exclude: Callback | None = None) -> None:
    if assignee is None:
        return  # the team queue is spread by the team lead; its load is only shown
    taken = Callback.objects.open().filter(assigned_to=assignee, due_at=due_at)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.count() >= settings.CALLBACK_SLOT_CAPACITY:
        raise ValidationError(
            _("%(who)s already has %(count)s call-backs at %(time)s. Choose another time.")
            % {"who": assignee, "count": taken.count(), "time": f"{timezone.localtime(due_at):%H:%M}"},
            code="slot_full",
        )


def _window(due_at: datetime, window_minutes: int) -> tuple[datetime, datetime]:
    return due_at, due_at + timedelta(minutes=window_minutes)


# --- Planning and outcomes ------------------------------------------------------


@transaction.atomic
def callback_schedule(
    *,
    case: Case,
    by: User,
    assigned_to: User | None,
    due_at: datetime,
    window_minutes: int,
    subject: str,
    phone: str = "",
    previous: Callback | None = None,
) -> Callback:
    """Plan a call-back (or the next attempt after `previous`) in a free slot."""
    case = case_lock(case_id=case.pk)
    if not case.is_open:
        raise ValidationError(_("This case is closed; reopen it to plan a call-back."), code="case_closed")
    starts, ends = _window(due_at, window_minutes)
    office_hours.validate_callback_time(starts, ends)
    _refuse_full_slot(assignee=assigned_to, due_at=starts)
    attempt = 1
    if previous is not None:
        previous = Callback.objects.select_for_update().get(pk=previous.pk, case=case)
        _refuse_next_attempt_after(previous)
        attempt = previous.attempt + 1
    callback = Callback(
        case=case,
        assigned_to=assigned_to,
        due_at=starts,
        window_ends_at=ends,
        subject=subject.strip(),
        phone=phone,
        attempt=attempt,
        previous=previous,
        planned_by=by,
    )
    callback._history_user = by
    callback.save()
    if case.status in (CaseStatus.NEW, CaseStatus.IN_PROGRESS):
        # Not a form edit: the version stays, so no colleague's open form is refused for it.
        case.status = CaseStatus.AWAITING_CALLBACK
        case._history_user = by
        case.save(update_fields=["status"])
    return callback


def _refuse_next_attempt_after(previous: Callback) -> None:
    if previous.status != CallbackStatus.NOT_REACHED:
        raise ValidationError(
            _("A next attempt follows only a call-back that did not reach the parent."), code="not_after_unreached"
        )
    if previous.attempt >= settings.CALLBACK_MAX_ATTEMPTS:
        raise ValidationError(
            _("The parent was not reached in %(n)s attempts; the team lead decides what happens next.")
            % {"n": previous.attempt},
            code="attempts_exhausted",
        )
    if Callback.objects.filter(previous=previous).exists():
        raise ValidationError(_("The next attempt has been planned already."), code="already_planned")


def _lock_open(callback: Callback) -> Callback:
    """The call-back row, locked; refused when someone already finished it."""
    locked = Callback.objects.select_for_update(of=("self",)).select_related("finished_by").get(pk=callback.pk)
    if not locked.is_open:
        raise ValidationError(
            _("%(who)s already marked this call-back “%(status)s” at %(when)s.")
            % {
                "who": locked.finished_by or _("a colleague"),
                "status": locked.get_status_display(),
                "when": f"{timezone.localtime(locked.finished_at):%H:%M}" if locked.finished_at else "?",
            },
            code="already_finished",
        )
    return locked


@transaction.atomic
def callback_reschedule(*, callback: Callback, by: User, due_at: datetime, window_minutes: int) -> Callback:
    """Move an open call-back; it is reminded again at its new time, also when that is a time it had before.

    Saved at the time it has (only the window changed), it is not moved and keeps its reminder.
    """
    callback = _lock_open(callback)
    starts, ends = _window(due_at, window_minutes)
    office_hours.validate_callback_time(starts, ends)
    _refuse_full_slot(assignee=callback.assigned_to, due_at=starts, exclude=callback)
    if starts != callback.due_at:
        callback.moves += 1  # new keys for its reminder and escalation (_due_key)
        callback.status, callback.reminded_at, callback.escalated_at = CallbackStatus.PLANNED, None, None
    callback.due_at, callback.window_ends_at = starts, ends
    callback._history_user = by
    callback.save()
    return callback


FINISHING_STATUSES = (CallbackStatus.DONE, CallbackStatus.NOT_REACHED, CallbackStatus.CANCELLED)


@transaction.atomic
def callback_finish(*, callback: Callback, by: User, status: str, note: str = "") -> Callback:
    """Record the outcome: done, not reached, or cancelled.

    After the last allowed attempt without reaching the parent, the case is
    flagged for the team leads, who are notified.
    """
    if status not in FINISHING_STATUSES:
        raise ValidationError(_("Choose how the call-back went."), code="invalid_outcome")
    case = case_lock(case_id=callback.case_id)
    callback = _lock_open(callback)
    callback.status, callback.outcome_note = status, note.strip()
    callback.finished_at, callback.finished_by = timezone.now(), by
    callback._history_user = by
    callback.save()
    if status == CallbackStatus.NOT_REACHED and callback.attempt >= settings.CALLBACK_MAX_ATTEMPTS:
        _flag_unreached(case, callback, by)
    if not case.callbacks.open().exists() and case.status == CaseStatus.AWAITING_CALLBACK:
        # Nothing is waiting any more: the case is back in progress (and flagged, after the last attempt).
        case.status = CaseStatus.IN_PROGRESS
        case._history_user = by
        case.save(update_fields=["status"])
    return callback


def _flag_unreached(case: Case, callback: Callback, by: User) -> None:
    case.flagged_at = timezone.now()
    case.flag_reason = _("Parent not reached in %(n)s call-back attempts.") % {"n": callback.attempt}
    case._history_user = by
    case.save(update_fields=["flagged_at", "flag_reason"])
    notify(
        recipients=team_watch(),
        key=f"callback:{callback.pk}:exhausted",
        kind=NotificationKind.ATTEMPTS_EXHAUSTED,
        case=case,
        callback=callback,
    )


def callback_cancel_open(*, case: Case, by: User) -> int:
    """Cancel the case's open call-backs (the case is being closed); inside the caller's transaction."""
    cancelled = 0
    for callback in case.callbacks.open().select_for_update():
        callback.status, callback.finished_at, callback.finished_by = CallbackStatus.CANCELLED, timezone.now(), by
        callback.outcome_note = _("Case closed.")
        callback._history_user = by
        callback.save()
        cancelled += 1
    return cancelled
