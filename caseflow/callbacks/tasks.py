"""The beat's call-back work. Each task keeps the name it had before the concern packages
(`name=`): beat's schedule and messages already queued call a task by its name."""

from celery import shared_task

from caseflow.callbacks import reminders


@shared_task(name="caseflow.tasks.callbacks_tick")
def callbacks_tick() -> dict:
    """Every minute (beat): remind what is due, escalate what is overdue.

    Safe to run twice at once or twice in a row: rows are claimed with SKIP
    LOCKED and every notification has a unique key.
    """
    return {"reminded": reminders.callbacks_remind_due(), "escalated": reminders.callbacks_escalate_overdue()}


@shared_task(name=reminders.EMAIL_TASK)
def notifications_email() -> int:
    """Send the e-mail copies of new reminders (CALLBACK_REMINDER_EMAIL); each at most once."""
    return reminders.notifications_email_pending()
