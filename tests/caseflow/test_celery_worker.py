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


def test_a_worker_knows_every_task_beat_sends_by_the_name_beat_sends():
    """Beat sends a task by its name; a worker that does not know the name drops the message and
    nothing is reminded. A fresh process finds the tasks as a worker does (autodiscovery), so that
    a task module that moves, or loses its `name=`, fails here."""
    import json
    import subprocess
    import sys

    from django.conf import settings

    script = (
        "import json, django; django.setup()\n"
        "from caseflow.celery import app\n"
        "app.loader.import_default_modules()\n"
        "print(json.dumps(sorted(app.tasks)))\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "caseflow.settings", "CASEFLOW_ENV": "development"}
    found = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    known = set(json.loads(found.stdout.splitlines()[-1]))
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled - known == set()
    assert {"caseflow.tasks.notifications_email", "caseflow.tasks.ping"} <= known  # queued by name, not by beat
