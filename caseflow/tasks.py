import os

from celery import shared_task
from django.db import connection

from caseflow import callbacks, privacy, tally


@shared_task(ignore_result=False)
def ping() -> dict:
    """Answer with the worker's process id and the database it uses.

    An operator's smoke test (`celery --app caseflow call caseflow.tasks.ping`)
    and the test suite's proof that a real worker consumes the real broker.
    """
    return {"pid": os.getpid(), "database": str(connection.settings_dict["NAME"])}


@shared_task
def callbacks_tick() -> dict:
    """Every minute (beat): remind what is due, escalate what is overdue.

    Safe to run twice at once or twice in a row: rows are claimed with SKIP
    LOCKED and every notification has a unique key.
    """
    return {"reminded": callbacks.callbacks_remind_due(), "escalated": callbacks.callbacks_escalate_overdue()}


@shared_task
def notifications_email() -> int:
    """Send the e-mail copies of new reminders (CALLBACK_REMINDER_EMAIL); each at most once."""
    return callbacks.notifications_email_pending()


@shared_task
def retention_nightly() -> int:
    """Anonymise the cases whose retention period is over; each run is logged (RetentionRun)."""
    return privacy.retention_run().cases


@shared_task
def tally_compact() -> int:
    """Every few minutes (beat): fold the tally of cases into one row per group, and vacuum it."""
    left = tally.compact()
    tally.vacuum()
    return left
