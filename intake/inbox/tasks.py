"""The inbox's beat task: thin, the service does the work."""

from celery import shared_task

from intake.inbox import services


@shared_task
def inbox_escalate() -> int:
    """Every minute (beat): tell the team leads of messages nobody picked up in time.

    Idempotent: a message is escalated once (escalated_at, and a unique key per notification),
    so a second beat or a redelivered task changes nothing.
    """
    return services.inbox_escalate_overdue()
