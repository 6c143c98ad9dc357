"""The nightly retention run (beat), under the name it had before the concern packages:
beat's schedule and messages already queued call a task by its name."""

from celery import shared_task

from caseflow.audit import retention


@shared_task(name="caseflow.tasks.retention_nightly")
def retention_nightly() -> int:
    """Anonymise the cases whose retention period is over; each run is logged (RetentionRun)."""
    return retention.retention_run().cases
