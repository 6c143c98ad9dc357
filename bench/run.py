"""`make bench`: Caseflow at a helpline's real volume, each figure beside a baseline
measured in the same run.

1. A PostgreSQL database (DATABASE_URL, default caseflow_bench on 127.0.0.1) is
   migrated and filled with `seed_demo` up to --cases cases (200,000 by default:
   about 600,000 calls, 125,000 call-backs, 80,000 referrals, 30,000 consents,
   20,000 inbox messages and the history rows of all of them); a filled database
   is reused on later runs, and what it lacks of these is added (TOP_UPS).
2. Pages (bench/pages.py): gunicorn serves Caseflow with production settings on a
   free loopback port; each advisor and team lead page is requested one at a time
   over HTTP, beside the Django admin changelist of the same cases. Queries per
   page are counted in-process with Django's test client.
3. Load (bench/loadtest.py, bench/load.py): simulated advisors, each with a session
   of its own, log calls and open cases for BENCH_LOAD_SECONDS from a second
   process; one advisor alone is the baseline.
4. Reminders (bench/reminders.py): 10,000 call-back reminders due at once, sent by
   one real Celery worker over Redis with callbacks_tick, beside one task per
   call-back.

The report goes to the terminal and to bench/last-report.txt.
"""

from __future__ import annotations

import argparse
import http.client
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/caseflow_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
# One secret for gunicorn, the worker and this process, which makes the sessions.
SECRET_KEY = secrets.token_urlsafe(50)
PARTS = ("pages", "load", "reminders")


def main() -> None:
    args = _arguments()
    began = time.monotonic()
    machine = Machine()
    machine.note("start")
    database_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    if not database_url.startswith(("postgres://", "postgresql://")):
        sys.exit("make bench measures PostgreSQL: set DATABASE_URL to a postgres:// URL.")
    env = _environment(database_url)
    _database_ready(database_url, fresh=args.fresh)
    _run(["manage.py", "migrate", "--noinput", "-v0"], env)
    seeding = _seed_up_to(args.cases, env)
    os.environ.update(env)
    import django

    django.setup()
    import logging

    from django.test.utils import setup_test_environment

    # django-axes logs every sign-in of the test client (the query counting) at INFO.
    logging.getLogger("axes").setLevel(logging.WARNING)

    setup_test_environment()  # the test client's response.context (how many cases a page lists)
    from bench import accounts, pages, reminders
    from caseflow.team import tally

    # What a live system does by itself, which the bench cannot count on: the beat folds the
    # tally of cases (seeding left a row per change; the second fold is the one whose vacuum
    # gets the table back to a few pages, see tests/caseflow/team/test_case_tally.py), and
    # autovacuum clears what an earlier run's load test and reminders left behind (it is
    # switched off on some test machines, and index-only scans then read the table after all).
    for _ in range(2):
        tally.compact()
        tally.vacuum()
    _vacuumed(env["DATABASE_URL"])

    results = Results(args=args, seeding=seeding, volume=_volume())
    production = _production(env, args.web_workers)
    if "pages" in args.only or "load" in args.only:
        advisor, team_lead = accounts.personas()
        users = {pages.ADVISOR: advisor, pages.TEAM_LEAD: team_lead}
        if "pages" in args.only:
            results.pages = pages.all_pages(advisor, team_lead)
            print("Counting queries per page in-process ...", flush=True)
            results.checked = pages.check_in_process(results.pages, users)
            results.figures = pages.dashboard_figures()
        with _gunicorn(production) as port:
            if "pages" in args.only:
                machine.note("pages")
                cookies = {persona: accounts.verified_session_cookie(user) for persona, user in users.items()}
                results.timings = pages.measure(port, results.pages, cookies, args.requests, results.checked.errors)
            if "load" in args.only:
                machine.note("load test")
                results.load = _load_test(port, args)
    if "reminders" in args.only:
        machine.note("reminders")
        print(f"Reminders: {args.reminders:,} due at once, one Celery worker ...", flush=True)
        results.reminders = reminders.run(production, count=args.reminders, log_path=ROOT / "var" / "bench-worker.log")
    machine.note("end")
    results.seconds = time.monotonic() - began
    from bench.report import report

    text = report(results, machine, when=_utc_now())
    print(text)
    (ROOT / "bench" / "last-report.txt").write_text(text + "\n")


class Results:
    def __init__(self, *, args, seeding: float | None, volume: dict):
        self.args, self.seeding, self.volume = args, seeding, volume
        self.pages, self.checked, self.timings, self.load, self.reminders = [], None, {}, None, None
        self.figures: list[tuple[str, int | None, float]] = []  # the dashboard's added figures: count, ms
        self.seconds = 0.0


class Machine:
    """Cores and the load average at each step: other work on the machine shows in the figures."""

    def __init__(self):
        self.cores = os.cpu_count()
        self.loads: list[tuple[str, tuple[float, float, float]]] = []

    def note(self, step: str) -> None:
        self.loads.append((step, os.getloadavg()))


def _arguments() -> argparse.Namespace:
    from bench.pages import ADMIN_BUDGET_SECONDS

    env = os.environ.get
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=int(env("BENCH_CASES", 200_000)))
    parser.add_argument(
        "--requests",
        type=int,
        default=int(env("BENCH_REQUESTS", 200)),
        help=f"requests per page (the admin as many within {ADMIN_BUDGET_SECONDS:.0f} s, at least a tenth)",
    )
    parser.add_argument("--load-seconds", type=float, default=float(env("BENCH_LOAD_SECONDS", 120)))
    parser.add_argument("--load-advisors", type=int, default=int(env("BENCH_LOAD_ADVISORS", 50)))
    parser.add_argument(
        "--load-think",
        type=float,
        default=float(env("BENCH_LOAD_THINK", 1.0)),
        help="mean seconds an advisor waits between requests (uniform 0 to twice this)",
    )
    parser.add_argument("--reminders", type=int, default=int(env("BENCH_REMINDERS", 10_000)))
    parser.add_argument("--web-workers", type=int, default=int(env("BENCH_WEB_WORKERS", 3)))
    parser.add_argument(
        "--only",
        default=env("BENCH_ONLY", ",".join(PARTS)),
        help="comma-separated parts to run: pages, load, reminders",
    )
    parser.add_argument("--fresh", action="store_true", help="drop the database and seed it again")
    args = parser.parse_args()
    args.only = {part.strip() for part in args.only.split(",") if part.strip()}
    if not args.only or args.only - set(PARTS):
        parser.error(f"--only takes some of: {', '.join(PARTS)}")
    return args  # fmt: skip


def _environment(database_url: str) -> dict[str, str]:
    """Development settings for seeding and counting; gunicorn and the worker get production."""
    return {
        **os.environ,
        "CASEFLOW_ENV": "development",
        "DEBUG": "true",
        "DATABASE_URL": database_url,
        "REDIS_URL": os.environ.get("REDIS_URL", DEFAULT_REDIS_URL),
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "DJANGO_SETTINGS_MODULE": "caseflow.settings",
    }


def _production(env: dict[str, str], web_workers: int) -> dict[str, str]:
    return {
        **env,
        "CASEFLOW_ENV": "production",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        # Plain HTTP on loopback: no proxy in front to say https.
        "SECURE_SSL_REDIRECT": "false",
        "WEB_CONCURRENCY": str(web_workers),
        "GUNICORN_LOG_LEVEL": "warning",
    }


def _run(command: list[str], env: dict[str, str]) -> None:
    subprocess.run([PYTHON, *command], cwd=ROOT, env=env, check=True)


def _database_ready(database_url: str, *, fresh: bool) -> None:
    import psycopg

    url = urlparse(database_url)
    name = url.path.lstrip("/")
    server = url._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as connection:
        if fresh:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def _vacuumed(database_url: str) -> None:
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute("VACUUM (ANALYZE)")


# What seed_demo adds beside the cases, in the order it does: (table, what, the seeder over every
# case). A database seeded before one of them existed lacks its rows; they are added to the cases
# there are. The consents' seeder counts the consents the referrals' made, so it runs after it.
TOP_UPS = (
    ("caseflow_callback", "call-backs",
     "from caseflow.demo_callbacks import demo_callbacks_seed; demo_callbacks_seed()"),
    ("referrals_referral", "referrals (with their consents and packages)",
     "from referrals.demo import demo_referrals_seed; demo_referrals_seed(cases=Case.objects.count())"),
    ("consent_consentrecord", "consents",
     "from consent.demo import demo_consents_seed; demo_consents_seed(cases=Case.objects.count())"),
    ("intake_inboxmessage", "inbox messages",
     "from intake.demo_inbox import demo_inbox_seed; demo_inbox_seed(cases=Case.objects.count())"),
)  # fmt: skip


def _seed_up_to(cases: int, env: dict[str, str]) -> float | None:
    """Seconds spent seeding, or None when the database had the cases and all they carry already."""
    import psycopg

    with psycopg.connect(env["DATABASE_URL"]) as connection:
        have = connection.execute("SELECT count(*) FROM caseflow_case").fetchone()[0]
        # Table names from TOP_UPS above, not from outside.
        empty = [top_up for top_up in TOP_UPS
                 if not connection.execute(f"SELECT EXISTS (SELECT 1 FROM {top_up[0]})").fetchone()[0]]  # fmt: skip
    if have >= cases and (not empty or not have):
        return None
    if have >= cases:  # seeded before some of the demo's rows existed: add them to the cases there are
        started = time.monotonic()
        for _table, what, seed in empty:
            print(f"Seeding the {what} of the seeded cases.", flush=True)
            _run(["manage.py", "shell", "-v0", "-c", f"from caseflow.models import Case; {seed}"], env)
        return time.monotonic() - started
    print(f"Seeding {cases - have:,} cases (have {have:,}); about 16 minutes for 200,000 on 2 cores.", flush=True)
    started = time.monotonic()
    _run(["manage.py", "seed_demo", "--cases", str(cases - have)], env)
    seconds = time.monotonic() - started
    print(f"Seeded in {seconds:.0f} s.", flush=True)
    return seconds


def _volume() -> dict[str, int]:
    from caseflow.callbacks.models import Callback
    from caseflow.cases.models import Case
    from consent.models import ConsentRecord, Disclosure
    from intake.models import Call, InboxMessage
    from referrals.models import Referral

    return {
        "cases": Case.objects.count(),
        "calls": Call.objects.count(),
        "callbacks": Callback.objects.count(),
        "callback_history": Callback.history.count(),
        "case_history": Case.history.count(),
        "referrals": Referral.objects.count(),
        "consents": ConsentRecord.objects.count(),
        "disclosures": Disclosure.objects.count(),
        "inbox": InboxMessage.objects.count(),
        "inbox_waiting": InboxMessage.objects.exclude(status=InboxMessage.Status.HANDLED).count(),
    }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def _gunicorn(production: dict[str, str]):
    port = _free_port()
    static_root = tempfile.mkdtemp(prefix="caseflow-bench-static-")
    env = {**production, "STATIC_ROOT": static_root, "GUNICORN_BIND": f"127.0.0.1:{port}"}
    _run(["manage.py", "collectstatic", "--noinput", "-v0"], env)
    (ROOT / "var").mkdir(exist_ok=True)
    log = (ROOT / "var" / "bench-gunicorn.log").open("w")
    server = subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), "--config", "gunicorn.conf.py", "caseflow.wsgi:application"],
        cwd=ROOT, env=env, stdout=log, stderr=log,
    )  # fmt: skip
    try:
        _wait_for(port)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=60)
        log.close()


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    sys.exit("gunicorn did not answer /healthz within 30 s; see var/bench-gunicorn.log")


def _load_test(port: int, args) -> dict:
    """One advisor alone (the baseline), then all of them at once; each run's cases removed after."""
    from bench import accounts, loadtest

    advisors = loadtest.active_advisors(args.load_advisors)
    seeded = loadtest.seeded_parents()
    runs = {}
    try:
        for label, who, seconds in (
            ("alone", advisors[:1], max(15.0, args.load_seconds / 4)),
            ("together", advisors, args.load_seconds),
        ):
            print(f"Load: {len(who)} advisor(s) for {seconds:.0f} s ...", flush=True)
            summary = loadtest.run_load(port, advisors=who, seconds=seconds, think_seconds=args.load_think,
                                        seeded=seeded)  # fmt: skip
            summary["calls_in_database"] = loadtest.calls_logged_by(who)
            summary["cases_removed"] = loadtest.remove_cases_of(who)
            runs[label] = summary
    finally:
        accounts.load_advisors_off()
    return runs


def _utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


if __name__ == "__main__":
    # The project instead of bench/ first on the path: bench's modules are imported as bench.*.
    sys.path[0] = str(ROOT)
    main()
