"""Call-back reminders through the real machinery: Redis, `celery worker` and `celery beat`
processes, PostgreSQL. A worker killed mid-work and two beats at once neither lose a
reminder nor send one twice; the count is made in SQL on the notification table."""

from __future__ import annotations

import re
import time
import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from caseflow.callbacks.models import Callback, CallbackStatus
from caseflow.callbacks.tasks import callbacks_tick
from caseflow.lib.history import bulk_create_tracked
from caseflow.notifications.models import Notification, NotificationKind
from tests.celery_worker import BeatProcess, WorkerProcess, tasks_sent_to
from tests.factories import case_with_call

pytestmark = [pytest.mark.redis, pytest.mark.postgres]


def _cases(advisor) -> list:
    return [case_with_call(advisor, child_name=f"Kind{n}") for n in range(5)]


def _make_callbacks(count: int, *, planner, assignees, due_at, cases=None) -> list[Callback]:
    """`count` planned call-backs, written at once (with their history rows), spread over a few cases.

    `due_at` is a time or a function of the row's number. An assignee of None is the team queue.
    """
    cases = cases or _cases(planner)
    rows = []
    for n in range(count):
        due = due_at(n) if callable(due_at) else due_at
        rows.append(
            Callback(case=cases[n % len(cases)], assigned_to=assignees[n % len(assignees)], planned_by=planner,
                     due_at=due, window_ends_at=due + timedelta(minutes=15), subject=f"Terugbellen {n}")
        )  # fmt: skip
    return bulk_create_tracked(rows, Callback, batch_size=2000, default_user=planner)


def _reminded() -> int:
    return Callback.objects.filter(status=CallbackStatus.REMINDED).count()


def _sql(query: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def _reminder_counts() -> tuple[int, int, list[tuple]]:
    """(reminders in all, call-backs with one, call-backs that do not have exactly one), in SQL."""
    notification, callback = Notification._meta.db_table, Callback._meta.db_table
    [(total, distinct)] = _sql(
        f"SELECT count(*), count(DISTINCT callback_id) FROM {notification} WHERE kind = %s",
        [NotificationKind.REMINDER],
    )
    wrong = _sql(
        f"""SELECT c.id, count(n.id) FROM {callback} c
            LEFT JOIN {notification} n ON n.callback_id = c.id AND n.kind = %s
            GROUP BY c.id HAVING count(n.id) <> 1 ORDER BY c.id LIMIT 20""",
        [NotificationKind.REMINDER],
    )
    return total, distinct, wrong


def _reminder_history_rows_per_callback() -> set[int]:
    """How many times each call-back's row was changed by the reminder (its history)."""
    return set(
        Callback.history.filter(history_change_reason__startswith="system: reminder sent")
        .values("id")
        .annotate(n=Count("history_id"))
        .values_list("n", flat=True)
    )


def _wait_for(condition, *, timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout}s for {what}")
        time.sleep(interval)


def _other_transactions_open() -> int:
    """Transactions of other sessions on this test database (a killed worker's, until PostgreSQL ends it)."""
    [(n,)] = _sql(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid() AND xact_start IS NOT NULL"
    )
    return n


def _ticks_done(log: str) -> list[dict]:
    return [
        {"reminded": int(reminded), "escalated": int(escalated)}
        for reminded, escalated in re.findall(
            r"caseflow\.tasks\.callbacks_tick\[[^\]]+\] succeeded in [^:]+: \{'reminded': (\d+), 'escalated': (\d+)\}",
            log,
        )
    ]


def test_a_worker_killed_mid_work_and_restarted_leaves_exactly_one_reminder_per_callback(
    celery_worker_process, advisor, other_advisor, team_lead
):
    total = 10_000
    # Due five minutes ago, so none is overdue yet; one in three in the team queue (the one team lead).
    _make_callbacks(total, planner=advisor, assignees=[advisor, other_advisor, None],
                    due_at=timezone.now() - timedelta(minutes=5))  # fmt: skip
    worker = celery_worker_process

    callbacks_tick.delay()  # through Redis to the worker, as the beat sends it
    # Kill only once some batches are committed and well before the last one.
    _wait_for(lambda: _reminded() >= total // 10, timeout=120, what="the first reminders", interval=0.05)
    worker.kill()

    # PostgreSQL rolls the killed worker's open batch back: nothing half-done is left.
    _wait_for(lambda: _other_transactions_open() == 0, timeout=60, what="the killed worker's transaction to end")
    reminded_at_kill = _reminded()
    assert 0 < reminded_at_kill < total, f"the kill came too late ({reminded_at_kill} reminded); not mid-work"
    sent, distinct, wrong = _reminder_counts()
    assert sent == distinct == reminded_at_kill, "each committed batch has its notifications and nothing more"

    # The message of the killed tick waits in Redis for the visibility timeout (an hour); the
    # next beat tick does not wait: it claims what is still planned.
    worker.start()
    callbacks_tick.delay()
    _wait_for(lambda: _reminded() == total, timeout=180, what="every call-back to be reminded")
    ticks = _wait_for(lambda: _ticks_done(worker.log_path.read_text()), timeout=60, what="the tick to finish")

    sent, distinct, wrong = _reminder_counts()
    assert wrong == [], "call-backs without exactly one reminder (id, count)"
    assert sent == distinct == total
    assert Callback.objects.exclude(status=CallbackStatus.REMINDED).count() == 0
    assert ticks == [{"reminded": total - reminded_at_kill, "escalated": 0}]
    # Each call-back's row was changed by the reminder once, in the history as well.
    assert _reminder_history_rows_per_callback() == {1}
    assert Notification.objects.filter(recipient=team_lead).count() == total // 3


def test_a_tick_whose_pool_process_is_killed_is_run_again_by_the_same_worker_without_waiting_for_the_beat(
    celery_worker_process, advisor, other_advisor
):
    total = 5_000
    _make_callbacks(total, planner=advisor, assignees=[advisor, other_advisor], due_at=timezone.now())
    worker = celery_worker_process

    callbacks_tick.delay()
    _wait_for(lambda: _reminded() >= total // 10, timeout=120, what="the first reminders", interval=0.05)
    worker.kill_pool()
    assert _reminded() < total, "the kill came too late; not mid-work"

    # Acknowledged only after it ran (CELERY_TASK_ACKS_LATE) and given back when its process dies
    # (CELERY_TASK_REJECT_ON_WORKER_LOST): the same message runs again; no second tick is sent.
    _wait_for(lambda: _reminded() == total, timeout=180, what="the redelivered tick to remind the rest")
    ticks = _wait_for(lambda: _ticks_done(worker.log_path.read_text()), timeout=60, what="the tick to finish")
    log = worker.log_path.read_text()
    assert "WorkerLostError" in log
    assert len(re.findall(r"callbacks_tick\[[^\]]+\] received", log)) == 2, "the one tick, received twice"
    [tick] = ticks  # the killed run reported nothing; the second run did what the first had not committed
    assert 0 < tick["reminded"] <= total - total // 10
    sent, distinct, wrong = _reminder_counts()
    assert wrong == [], "call-backs without exactly one reminder (id, count)"
    assert sent == distinct == total
    assert _reminder_history_rows_per_callback() == {1}


def test_two_beats_at_once_with_two_workers_send_each_reminder_once(
    transactional_db, tmp_path, advisor, other_advisor, team_lead
):
    queue = f"test-beats-{uuid.uuid4().hex[:10]}"
    workers = [WorkerProcess(queue, tmp_path / f"worker-{n}.log", label=str(n)) for n in (1, 2)]
    beats = [BeatProcess(queue, tmp_path, label, tick_seconds=1) for label in ("a", "b")]
    try:
        with tasks_sent_to(queue):
            for worker in workers:
                worker.launch()
            for worker in workers:
                worker.wait_until_ready(timeout=60)
            for beat in beats:
                beat.start(timeout=60)

            # Half due already; the other half coming due in eight groups a second apart, so that the
            # reminders are sent by many ticks of both beats, not all by the first one.
            total, groups = 2_000, 8
            cases = _cases(advisor)
            comes_due = timezone.now() + timedelta(minutes=settings.CALLBACK_REMINDER_LEAD_MINUTES, seconds=2)

            def due_at(n: int):
                return comes_due - timedelta(minutes=1) if n % 2 else comes_due + timedelta(seconds=(n // 2) % groups)

            _make_callbacks(
                total, planner=advisor, assignees=[advisor, other_advisor, None], due_at=due_at, cases=cases
            )
            ticks_before = [beat.ticks_sent() for beat in beats]
            _wait_for(lambda: _reminded() == total, timeout=120, what="every call-back to be reminded")
            # A few more ticks of each beat after the last reminder: they must find nothing.
            after = [beat.ticks_sent() for beat in beats]
            _wait_for(lambda: all(beat.ticks_sent() >= n + 3 for beat, n in zip(beats, after, strict=True)),
                      timeout=60, what="three more ticks of each beat")  # fmt: skip
            for beat in beats:
                beat.stop_between_ticks()
            sent_by = [beat.ticks_sent() - n for beat, n in zip(beats, ticks_before, strict=True)]
            # Every tick the beats sent is run (none lost), the last ones finding nothing.
            sent_in_all = sum(beat.ticks_sent() for beat in beats)
            _wait_for(lambda: sum(len(_ticks_done(w.log_path.read_text())) for w in workers) >= sent_in_all,
                      timeout=120, what=f"the workers to run all {sent_in_all} ticks")  # fmt: skip
    finally:
        for beat in beats:
            beat.stop()
        for worker in workers:
            worker.stop()

    logs = [worker.log_path.read_text() for worker in workers]
    ticks = [tick for log in logs for tick in _ticks_done(log)]
    assert len(ticks) == sent_in_all
    assert all(n >= 6 for n in sent_by), f"each beat ticked every second while the rows came due: {sent_by}"
    assert len([log for log in logs if _ticks_done(log)]) == 2, "both workers ran ticks"
    assert sum(tick["reminded"] for tick in ticks) == total, "the ticks shared the call-backs, none twice"
    assert len([tick for tick in ticks if tick["reminded"]]) >= groups // 2, "the reminders came over many ticks"
    sent, distinct, wrong = _reminder_counts()
    assert wrong == [], "call-backs without exactly one reminder (id, count)"
    assert sent == distinct == total
    assert _reminder_history_rows_per_callback() == {1}
