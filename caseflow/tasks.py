"""The project's own task; each concern keeps its tasks in its package (caseflow/celery.py finds them)."""

import os

from celery import shared_task
from django.db import connection


@shared_task(ignore_result=False)
def ping() -> dict:
    """Answer with the worker's process id and the database it uses.

    An operator's smoke test (`celery --app caseflow call caseflow.tasks.ping`)
    and the test suite's proof that a real worker consumes the real broker.
    """
    return {"pid": os.getpid(), "database": str(connection.settings_dict["NAME"])}
