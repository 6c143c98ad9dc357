"""Reminders keep flowing after the broker was down: a real `celery worker` and `celery beat`
on a redis-server of the test's own, which the test kills in the middle of a tick and starts
again on the same port (empty, as nothing is saved). The worker must not exit for it: nobody
would be reminded of anything until someone restarted it (see caseflow.celery.RedisChannel).

Without redis-server on the PATH the test skips on a developer's machine and fails in CI.
"""

from __future__ import annotations

import re
import shutil
import time
import uuid
from datetime import timedelta

import pytest
from django.db.models import Count, Q
from django.utils import timezone

from caseflow.callbacks.models import Callback, CallbackStatus
from caseflow.lib.history import bulk_create_tracked
from caseflow.notifications.models import Notification, NotificationKind
from tests.celery_worker import BeatProcess, RedisServer, WorkerProcess
from tests.conftest import service_missing
from tests.factories import case_with_call

pytestmark = pytest.mark.postgres

# Enough due call-backs for the tick to take a few seconds, so that the broker dies while it runs.
DUE_AT_THE_OUTAGE = 6_000


@pytest.fixture
def own_redis(tmp_path):
    if shutil.which("redis-server") is None:
        service_missing("needs redis-server on the PATH (Debian: apt-get install redis-server)")
    server = RedisServer(tmp_path / "redis.log")
    server.start()
    yield server
    server.kill()


def _due_callbacks(count: int, *, advisor, due_at) -> list[Callback]:
    """`count` planned call-backs of `advisor`'s, due at `due_at`, written at once with their history."""
    case = case_with_call(advisor)
    rows = [
        Callback(case=case, assigned_to=advisor, planned_by=advisor, due_at=due_at,
                 window_ends_at=due_at + timedelta(minutes=15), subject=f"Terugbellen {n}")
        for n in range(count)
    ]  # fmt: skip
    return bulk_create_tracked(rows, Callback, batch_size=2000, default_user=advisor)


def _reminded() -> int:
    return Callback.objects.filter(status=CallbackStatus.REMINDED).count()


def _reminders_per_callback() -> set[int]:
    return set(
        Callback.objects.annotate(n=Count("notifications", filter=Q(notifications__kind=NotificationKind.REMINDER)))
        .values_list("n", flat=True)
        .distinct()
    )


def _wait_for(condition, *, timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout}s for {what}")
        time.sleep(interval)
    return value


def test_reminders_keep_flowing_after_redis_went_down_in_the_middle_of_a_tick(
    transactional_db, tmp_path, own_redis, advisor
):
    queue = f"test-outage-{uuid.uuid4().hex[:10]}"
    worker = WorkerProcess(queue, tmp_path / "worker.log", redis_url=own_redis.url)
    beat = BeatProcess(queue, tmp_path, "outage", tick_seconds=1, redis_url=own_redis.url)
    # Due a few minutes ago (not overdue yet): the first tick has them all to remind.
    _due_callbacks(DUE_AT_THE_OUTAGE, advisor=advisor, due_at=timezone.now() - timedelta(minutes=5))
    try:
        worker.start(timeout=60)
        beat.start(timeout=60)
        _wait_for(lambda: _reminded() > 0, timeout=60, what="the first tick to start reminding", interval=0.05)
        own_redis.kill()
        assert _reminded() < DUE_AT_THE_OUTAGE, "the tick had finished before the broker went down; not mid-tick"

        # The database is up: the tick goes on to the end with the broker gone.
        _wait_for(lambda: _reminded() == DUE_AT_THE_OUTAGE, timeout=60, what="the interrupted tick to finish")
        time.sleep(1)  # a second of outage after the tick ended, while it tries to acknowledge
        own_redis.start()

        [new] = _due_callbacks(1, advisor=advisor, due_at=timezone.now())
        _wait_for(
            lambda: Notification.objects.filter(callback=new, kind=NotificationKind.REMINDER).exists(),
            timeout=20,
            what="the reminder of a call-back planned after the outage",
        )
        assert worker.is_alive(), "the worker lived through the outage"
        assert _reminders_per_callback() == {1}, "the interrupted tick's call-backs, and the new one, reminded once"
        # Celery's default gives up after 100 attempts (some 47 minutes) and the worker exits; waiting
        # that long is no test, so it shows in the worker's own words that it keeps trying.
        assert re.search(r"Trying again .*\(1/None\)", worker.log_path.read_text()), "reconnects without a limit"
    finally:
        beat.stop()
        worker.stop()
        # Shown by pytest when the test fails: how the worker took the outage.
        print(worker.log_path.read_text(errors="replace")[-4000:])
