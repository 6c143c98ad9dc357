"""Folding the tallies (beat), under the name it had before the concern packages: beat's
schedule and messages already queued call a task by its name."""

from celery import shared_task

from caseflow.team import tally


@shared_task(name="caseflow.tasks.tally_compact")
def tally_compact() -> int:
    """Every few minutes (beat): fold the tally of cases into one row per group, and vacuum it."""
    left = tally.compact()
    tally.vacuum()
    return left
