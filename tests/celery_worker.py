"""Real Celery worker (and beat) processes for tests marked `redis`.

The worker is started with `celery worker` in a subprocess, on its own queue (so
a developer's `make run` worker on the same Redis never takes the test's tasks)
and on the test database, so what it writes the test can read. It runs in a
process group of its own, so `kill()` can SIGKILL it whole (main process and
pool), as a crash or the kernel's OOM killer would.

`BeatProcess` is a real `celery beat` with its own schedule file, sending to a
test's queue through a settings module written for it (see `queue_settings`).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from celery import Celery
from django.conf import settings
from django.db import connection

from caseflow.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent


def test_database_url() -> str:
    """The URL of the database this test session uses, for another process."""
    db = connection.settings_dict
    if connection.vendor != "postgresql":
        raise RuntimeError("a worker process can only share a PostgreSQL test database")
    user = db["USER"] or ""
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    credentials = f"{user}{password}@" if user else ""
    return f"postgres://{credentials}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _process_env(extra_env: dict[str, str] | None = None) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": test_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        **(extra_env or {}),
    }


def _broker_env(redis_url: str | None) -> dict[str, str]:
    return {"REDIS_URL": redis_url} if redis_url else {}


@contextmanager
def _control_app(redis_url: str | None) -> Iterator[Celery]:
    """The app to ping workers with: Caseflow's own, or a bare one on a test's own broker."""
    if redis_url is None:
        yield celery_app
        return
    app = Celery("caseflow-test-control", broker=redis_url, set_as_current=False)
    try:
        yield app
    finally:
        app.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A redis-server of a test's own on a free port, which the test may kill and start again.

    Nothing is saved to disk: started again, it is empty, as a Redis that lost its
    data (or a failover to an empty replica) would be.
    """

    def __init__(self, log_path: Path):
        self.binary = shutil.which("redis-server")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 10) -> None:
        command = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while not self._answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start:\n{self.log_path.read_text()[-2000:]}")
            time.sleep(0.05)

    def _answers(self) -> bool:
        with redis.Redis.from_url(self.url, socket_connect_timeout=0.5) as client:
            try:
                return client.ping()
            except redis.ConnectionError:
                return False

    def kill(self) -> None:
        """SIGKILL: the broker is gone at once, its connections cut, as in a crash or a network outage."""
        _kill_group(self.process)


def _kill_group(process: subprocess.Popen | None) -> None:
    """SIGKILL the process and everything it started (its own process group)."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:  # pragma: no cover  (exited in between)
        pass
    process.wait(timeout=30)


def _stop(process: subprocess.Popen | None) -> None:
    """SIGTERM, and SIGKILL for the whole group if it does not end within 15 s."""
    if process and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            _kill_group(process)


class WorkerProcess:
    def __init__(
        self,
        queue: str,
        log_path: Path,
        *,
        label: str = "",
        redis_url: str | None = None,
    ):
        self.queue = queue
        # Workers on one queue need names of their own (`label`).
        self.name = f"{queue}{'-' + label if label else ''}@{socket.gethostname()}"
        self.log_path = log_path
        # A broker of the test's own (RedisServer) instead of the session's REDIS_URL.
        self.redis_url = redis_url
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 30) -> None:
        self.launch()
        self.wait_until_ready(timeout)

    def launch(self) -> None:
        """Start the process without waiting for it (several workers can then boot side by side)."""
        command = [
            sys.executable, "-m", "celery", "--app", "caseflow", "worker",
            "--queues", self.queue, "--hostname", self.name,
            "--concurrency", "2", "--loglevel", "INFO", "--without-gossip", "--without-mingle",
        ]  # fmt: skip
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=_process_env(_broker_env(self.redis_url)), stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip

    def wait_until_ready(self, timeout: float = 30) -> None:
        self._wait_until_ready(timeout)

    def kill(self) -> None:
        """SIGKILL the whole worker, main process and pool: no warm shutdown, nothing acknowledged."""
        _kill_group(self.process)

    def pool_pids(self) -> list[int]:
        """The pool's processes (the main process's children; Linux)."""
        pid = self.process.pid
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]

    def kill_pool(self) -> list[int]:
        """SIGKILL the pool's processes, the task being run with them; the main process lives on."""
        pids = self.pool_pids()
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        return pids

    def _wait_until_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        with _control_app(self.redis_url) as app:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"worker exited early:\n{self.log_path.read_text()[-3000:]}")
                if app.control.ping(destination=[self.name], timeout=0.5):
                    return
        raise RuntimeError(f"worker not ready in {timeout}s:\n{self.log_path.read_text()[-3000:]}")

    def is_alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        _stop(self.process)


def queue_settings(directory: Path, queue: str) -> tuple[str, Path]:
    """A settings module (written into `directory`) that sends every task through Redis to `queue`.

    tests.settings runs tasks eagerly, and a `celery beat` would then run its
    tick itself instead of sending it; this hook turns that off and sets the
    default queue, the equivalent of `tasks_sent_to(queue)` for another process.
    Returns the module's name and the folder to put on PYTHONPATH.
    """
    name = "queue_settings_" + queue.replace("-", "_")
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{name}.py").write_text(
        "from tests.settings import *  # noqa: F403\n"
        "CELERY_TASK_ALWAYS_EAGER = False\n"
        f"CELERY_TASK_DEFAULT_QUEUE = {queue!r}\n"
        "# Only the call-back tick: the nightly retention run has no business in these tests.\n"
        'CELERY_BEAT_SCHEDULE = {"callbacks-tick": CELERY_BEAT_SCHEDULE["callbacks-tick"]}  # noqa: F405\n'
    )
    return name, directory


class BeatProcess:
    """A real `celery beat` with a schedule file of its own, sending its ticks to `queue`."""

    def __init__(
        self, queue: str, directory: Path, label: str, *, tick_seconds: int = 1, redis_url: str | None = None
    ):
        self.queue = queue
        self.directory = directory
        self.label = label
        self.tick_seconds = tick_seconds
        self.redis_url = redis_url  # as WorkerProcess's
        self.log_path = directory / f"beat-{label}.log"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 30) -> None:
        module, folder = queue_settings(self.directory / "settings", self.queue)
        env = _process_env(
            {
                "DJANGO_SETTINGS_MODULE": module,
                "PYTHONPATH": os.pathsep.join([str(folder), str(ROOT), os.environ.get("PYTHONPATH", "")]),
                "CALLBACK_TICK_SECONDS": str(self.tick_seconds),
                **_broker_env(self.redis_url),
            }
        )
        command = [
            sys.executable, "-m", "celery", "--app", "caseflow", "beat", "--loglevel", "INFO",
            "--schedule", str(self.directory / f"beat-{self.label}-schedule"),
            "--pidfile", str(self.directory / f"beat-{self.label}.pid"),
        ]  # fmt: skip
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + timeout
        while self.ticks_sent() == 0:
            if self.process.poll() is not None:
                raise RuntimeError(f"beat {self.label} exited early:\n{self.log_text()[-3000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"beat {self.label} sent nothing in {timeout}s:\n{self.log_text()[-3000:]}")
            time.sleep(0.2)

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def ticks_sent(self) -> int:
        return self.log_text().count("Sending due task callbacks-tick")

    def stop_between_ticks(self, timeout: float = 30) -> None:
        """Stop just after a tick went out, so the stop cannot cut one off half-sent (tests count them)."""
        sent = self.ticks_sent()
        deadline = time.monotonic() + timeout
        while self.ticks_sent() == sent and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.2)
        self.stop()

    def stop(self) -> None:
        _stop(self.process)


@contextmanager
def tasks_sent_to(queue: str) -> Iterator[None]:
    """Send tasks through the broker to `queue` instead of running them eagerly."""
    saved = {key: celery_app.conf[key] for key in ("task_always_eager", "task_default_queue")}
    celery_app.conf.update(task_always_eager=False, task_default_queue=queue)
    try:
        yield
    finally:
        celery_app.conf.update(saved)


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path) -> Iterator[WorkerProcess]:
    """A running worker on a queue of its own; tasks sent in the test go to it."""
    worker = WorkerProcess(f"test-{uuid.uuid4().hex[:10]}", tmp_path / "worker.log")
    with tasks_sent_to(worker.queue):
        worker.start()
        try:
            yield worker
        finally:
            worker.stop()
