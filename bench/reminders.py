"""Issue 6 at volume: 10,000 call-back reminders falling due at once, dispatched by one
real Celery worker process over Redis, two ways in the same run:

- callbacks_tick (what beat sends every minute): claims the due rows in batches with
  SELECT ... FOR UPDATE SKIP LOCKED;
- the baseline, one task per call-back (bench/reminder_tasks.py), sent 10,000 times.

Each way gets its own 10,000 call-backs on seeded cases, planned for the seeded
advisors and made due at one moment (due_at = that moment + the reminder lead time,
the moment their reminder should go out); then the task(s) are sent. Measured: the
wall time from sending until every one of them has its notification, and each
reminder's lateness: the moment its notification became visible (committed; polled
every 50 ms) minus the moment it should have gone out. The call-backs, their
notifications and their history rows are deleted afterwards and the tables' indexes rebuilt,
so the team lead's figures and pages stay those of the seeded data.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUBJECT = "bench: reminder dispatch"
TIMEOUT_SECONDS = 900


def run(production_env: dict[str, str], *, count: int, log_path: Path) -> dict:
    from bench.reminder_tasks import remind_one
    from caseflow.callbacks.tasks import callbacks_tick

    _remove()
    caught_up = _catch_up()
    queue = f"bench-{uuid.uuid4().hex[:8]}"
    worker = _Worker(queue, production_env, log_path)
    worker.start()
    try:
        tick = _measure(count, lambda ids: callbacks_tick.apply_async(queue=queue))
        naive = _measure(count, lambda ids: _send_each(remind_one, ids, queue))
    finally:
        worker.stop()
        _remove()
        _compacted()
    return {"count": count, "tick": tick, "naive": naive, "caught_up": caught_up}


def _send_each(task, ids: list[int], queue: str) -> None:
    """One message per call-back, through one producer (one connection), as fast as the client goes."""
    from caseflow.celery import app

    with app.producer_or_acquire() as producer:
        for pk in ids:
            task.apply_async((pk,), queue=queue, producer=producer)


def _catch_up() -> dict:
    """What the beat would have done since the database was seeded: remind and escalate the
    seeded call-backs that fell due meanwhile, so that the measured runs only do the bench's."""
    from caseflow.callbacks.reminders import callbacks_escalate_overdue, callbacks_remind_due

    return {"reminded": callbacks_remind_due(), "escalated": callbacks_escalate_overdue()}


def _measure(count: int, send) -> dict:
    from django.conf import settings
    from django.utils import timezone

    from caseflow.callbacks.models import Callback, CallbackStatus
    from caseflow.notifications.models import Notification, NotificationKind

    ids = _create(count)
    lead = timedelta(minutes=settings.CALLBACK_REMINDER_LEAD_MINUTES)
    fire = timezone.now()  # the moment every reminder should go out
    fired = time.perf_counter()
    _make_due(ids, fire + lead)
    notified = Notification.objects.filter(
        kind=NotificationKind.REMINDER, callback_id__gte=ids[0], callback_id__lte=ids[-1]
    )
    started = time.perf_counter()
    send(ids)
    sent = time.perf_counter() - started
    # When each notification became visible (committed) to the advisor's badge, polled every
    # 50 ms: a tick stamps a whole run with the moment it started, so created_at alone would
    # leave out how long its batches took to commit.
    visible: list[float] = []
    done = 0
    while True:
        done = notified.count()
        visible.extend([time.perf_counter() - fired] * (done - len(visible)))
        if done >= count or time.perf_counter() - started >= TIMEOUT_SECONDS:
            break
        time.sleep(0.05)
    wall = time.perf_counter() - started
    stamped = sorted((created - fire).total_seconds() for created in notified.values_list("created_at", flat=True))
    reminded = Callback.objects.filter(pk__in=ids, status=CallbackStatus.REMINDED).count()
    history = Callback.history.filter(id__in=ids, history_type="~").count()
    _remove()
    return {
        "wall": wall,
        "send": sent,
        "notified": done,
        "reminded": reminded,
        "history": history,
        "lateness": visible,
        "stamped": stamped,
        "per_second": done / wall if wall else 0,
    }


def _create(count: int) -> list[int]:
    """`count` planned call-backs on seeded cases, for the seeded advisors, not due yet."""
    from django.utils import timezone

    from caseflow.accounts import roles
    from caseflow.accounts.models import User
    from caseflow.callbacks.models import Callback
    from caseflow.cases.models import Case
    from caseflow.lib.history import bulk_create_tracked

    advisors = list(
        User.objects.filter(groups__name=roles.ADVISOR, is_active=True)
        .exclude(username__startswith="bench-")
        .order_by("pk")
    )
    cases = list(Case.objects.order_by("pk").values_list("pk", flat=True)[:count])
    later = timezone.now() + timedelta(days=30)
    callbacks = [
        Callback(case_id=cases[index % len(cases)], assigned_to=advisors[index % len(advisors)],
                 planned_by=advisors[index % len(advisors)], due_at=later,
                 window_ends_at=later + timedelta(minutes=15), subject=SUBJECT, phone="+31612345678")
        for index in range(count)
    ]  # fmt: skip
    bulk_create_tracked(callbacks, Callback, batch_size=1_000)
    return sorted(callback.pk for callback in callbacks)


def _make_due(ids: list[int], due_at) -> None:
    """Move them all to `due_at` in one statement: from this moment they are due together."""
    from caseflow.callbacks.models import Callback
    from caseflow.lib.history import writes_keeping_history_otherwise

    with writes_keeping_history_otherwise("bench data: made due together; deleted with its history after"):
        Callback.objects.filter(pk__in=ids).update(due_at=due_at, window_ends_at=due_at + timedelta(minutes=15))


def _remove() -> None:
    """The bench's call-backs, their notifications and their history rows (also a crashed run's)."""
    from django.db import connection, transaction

    from caseflow.callbacks.models import Callback
    from caseflow.notifications.models import Notification

    with transaction.atomic(), connection.cursor() as cursor:
        table, history = Callback._meta.db_table, Callback.history.model._meta.db_table
        ours = f"SELECT id FROM {table} WHERE subject = %s"
        cursor.execute(f"DELETE FROM {Notification._meta.db_table} WHERE callback_id IN ({ours})", [SUBJECT])
        cursor.execute(f"DELETE FROM {history} WHERE subject = %s", [SUBJECT])
        cursor.execute(f"DELETE FROM {table} WHERE subject = %s", [SUBJECT])


def _compacted() -> None:
    """Indexes as compact as before the run: 20,000 call-backs went through the partial indexes of
    open call-backs at once, a burst no live line sees, and the planner then shuns the bloated
    covering index the team lead's dashboard reads (12 ms instead of 2 at 200,000 cases)."""
    from django.db import connection

    from caseflow.callbacks.models import Callback
    from caseflow.notifications.models import Notification

    with connection.cursor() as cursor:
        for model in (Callback, Notification):
            cursor.execute(f"REINDEX TABLE {model._meta.db_table}")
            cursor.execute(f"VACUUM (ANALYZE) {model._meta.db_table}")


class _Worker:
    """One `celery worker` process (one pool process) on a queue of its own, so that no other
    worker on the same Redis takes the bench's tasks, with the production settings."""

    def __init__(self, queue: str, env: dict[str, str], log_path: Path):
        self.queue = queue
        self.name = f"{queue}@{socket.gethostname()}"
        self.env = {**env, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))}
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> None:
        from caseflow.celery import app

        command = [
            sys.executable, "-m", "celery", "--app", "caseflow", "worker", "--queues", self.queue,
            "--hostname", self.name, "--concurrency", "1", "--pool", "prefork", "--loglevel", "WARNING",
            "--without-gossip", "--without-mingle", "--include", "bench.reminder_tasks",
        ]  # fmt: skip
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"The Celery worker exited at start; see {self.log_path}")
            if app.control.ping(destination=[self.name], timeout=0.5):
                return
        self.stop()
        sys.exit(f"The Celery worker did not answer within {timeout:.0f} s; see {self.log_path}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, 9)
            self.process.wait(timeout=30)
