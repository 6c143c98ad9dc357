"""Tasks travel through the real Redis broker to a real worker process."""

import os

import pytest
from django.db import connection

from caseflow.tasks import ping


@pytest.mark.redis
@pytest.mark.postgres
def test_a_task_sent_through_redis_runs_in_a_separate_worker_process(celery_worker_process):
    answer = ping.delay().get(timeout=30)
    assert answer["pid"] != os.getpid()
    # The worker reads and writes the very database this test uses.
    assert answer["database"] == connection.settings_dict["NAME"]


@pytest.mark.redis
@pytest.mark.postgres
def test_a_task_sent_before_the_worker_starts_is_not_lost(transactional_db, tmp_path):
    from tests.celery_worker import WorkerProcess, tasks_sent_to

    worker = WorkerProcess("test-late-worker-" + os.urandom(4).hex(), tmp_path / "worker.log")
    with tasks_sent_to(worker.queue):
        pending = ping.delay()
        worker.start()
        try:
            assert pending.get(timeout=30)["pid"] != os.getpid()
        finally:
            worker.stop()
