"""Call-back reminders and escalation, and the reminders' e-mail.

The database is the truth. Reminders are not Celery tasks waiting for an ETA
(Redis would deliver those again after the visibility timeout); a beat task
runs every minute and claims the rows that are due with
SELECT ... FOR UPDATE SKIP LOCKED, so two ticks at once share the work
instead of doing it twice, and each notification has a unique key, so a
repeated delivery creates nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from celery import signature
from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caseflow.accounts.models import User
from caseflow.callbacks.models import Callback, CallbackStatus
from caseflow.lib.history import bulk_update_tracked
from caseflow.notifications.models import Notification, NotificationKind
from caseflow.notifications.services import team_watch

# The e-mail task (callbacks/tasks.py), called by its name: that module imports this one.
EMAIL_TASK = "caseflow.tasks.notifications_email"


def _due_key(callback: Callback, event: str) -> str:
    """Once per plan: the same due moment is never reminded twice (a second tick, a redelivered one),
    and each move is a new plan, reminded again even when it goes back to a time it had before."""
    return f"callback:{callback.pk}:{event}:{callback.due_at:%Y%m%dT%H%M}:move{callback.moves}"


def _claim(queryset, batch_size: int) -> list[Callback]:
    """Lock up to `batch_size` rows no other transaction holds (SQLite has one writer anyway)."""
    if connection.features.has_select_for_update_skip_locked:
        queryset = queryset.select_for_update(skip_locked=True, of=("self",))
    return list(queryset[:batch_size])


def _recipients_by_callback(callbacks: list[Callback]) -> dict[int, list[User]]:
    """Who is reminded of each call-back: its advisor; the team (team_watch) for the team queue's, and
    for those of an advisor whose account was deactivated, who would never read the reminder."""
    team = None
    recipients = {}
    for callback in callbacks:
        if callback.assigned_to is not None and callback.assigned_to.is_active:
            recipients[callback.pk] = [callback.assigned_to]
        else:
            team = team_watch() if team is None else team
            recipients[callback.pk] = team
    return recipients


def _on_behalf(callbacks: list[Callback], what: str) -> None:
    """The beat task writes as the system, on behalf of whoever planned the call-back (history)."""
    for callback in callbacks:
        callback._change_reason = f"system: {what}, on behalf of {callback.planned_by.username}"


def callbacks_remind_batch(*, now: datetime, batch_size: int = 500) -> int:
    """Remind one batch of the call-backs that are due; returns how many."""
    lead = timedelta(minutes=settings.CALLBACK_REMINDER_LEAD_MINUTES)
    with transaction.atomic():
        due = _claim(
            Callback.objects.filter(status=CallbackStatus.PLANNED, due_at__lte=now + lead)
            .select_related("assigned_to", "case", "planned_by")
            .order_by("due_at", "id"),
            batch_size,
        )
        if not due:
            return 0
        recipients = _recipients_by_callback(due)
        Notification.objects.bulk_create(
            [
                Notification(recipient=user, key=_due_key(callback, "reminder"), kind=NotificationKind.REMINDER,
                             case=callback.case, callback=callback, created_at=now)
                for callback in due
                for user in recipients[callback.pk]
            ],
            ignore_conflicts=True,
        )  # fmt: skip
        for callback in due:
            callback.status, callback.reminded_at = CallbackStatus.REMINDED, now
        _on_behalf(due, "reminder sent")
        bulk_update_tracked(due, Callback, ["status", "reminded_at"], default_date=now)
        if settings.CALLBACK_REMINDER_EMAIL:
            transaction.on_commit(signature(EMAIL_TASK).delay)
    return len(due)


def callbacks_remind_due(*, now: datetime | None = None, batch_size: int = 500) -> int:
    """Remind every call-back that is due, batch by batch (each batch commits on its own).

    One clock reading for the whole tick: what comes due while it runs is the next tick's.
    """
    now = now or timezone.now()
    total = 0
    while sent := callbacks_remind_batch(now=now, batch_size=batch_size):
        total += sent
    return total


def callbacks_escalate_overdue(*, now: datetime | None = None, batch_size: int = 500) -> int:
    """Tell the team leads, once, about call-backs still open well after their window."""
    now = now or timezone.now()
    late = now - timedelta(minutes=settings.CALLBACK_OVERDUE_MINUTES)
    total, leads = 0, None
    while True:
        with transaction.atomic():
            overdue = _claim(
                Callback.objects.open()
                .filter(escalated_at=None, window_ends_at__lte=late)
                .select_related("planned_by")
                .order_by("due_at", "id"),
                batch_size,
            )
            if not overdue:
                return total
            leads = team_watch() if leads is None else leads  # asked once per run, not per batch
            Notification.objects.bulk_create(
                [
                    Notification(recipient=lead, key=_due_key(callback, "overdue"), kind=NotificationKind.OVERDUE,
                                 case_id=callback.case_id, callback=callback, created_at=now)
                    for callback in overdue
                    for lead in leads
                ],
                ignore_conflicts=True,
            )  # fmt: skip
            for callback in overdue:
                callback.escalated_at = now
            _on_behalf(overdue, "escalated as overdue")
            bulk_update_tracked(overdue, Callback, ["escalated_at"], default_date=now)
            total += len(overdue)



def notifications_email_pending(*, batch_size: int = 200) -> int:
    """E-mail the reminders not e-mailed yet to active recipients with an address.

    Never to a deactivated account: its address may be a mailbox of someone who
    left. The row is marked in the same transaction that claims it; a crash
    between sending and committing can send one e-mail twice, never lose one.
    """
    sent = 0
    while True:
        with transaction.atomic():
            pending = _claim(
                Notification.objects.filter(kind=NotificationKind.REMINDER, emailed_at=None, recipient__is_active=True)
                .exclude(recipient__email="")
                .select_related("recipient", "callback", "case")
                .order_by("id"),
                batch_size,
            )
            if not pending:
                return sent
            for notification in pending:
                _email_reminder(notification)
                notification.emailed_at = timezone.now()
            Notification.objects.bulk_update(pending, ["emailed_at"])
            sent += len(pending)


def _email_reminder(notification: Notification) -> None:
    # No personal data in the mail: the reference and the time; the rest is behind the sign-in.
    due = timezone.localtime(notification.callback.due_at)
    send_mail(
        subject=_("Call-back %(reference)s at %(time)s") % {"reference": notification.case, "time": f"{due:%H:%M}"},
        message=_("You have a call-back planned for case %(reference)s at %(time)s. Open Caseflow to see it.")
        % {"reference": notification.case, "time": f"{due:%H:%M}"},
        from_email=None,
        recipient_list=[notification.recipient.email],
    )
