"""`make bench`: Caseflow's pages at a helpline's real volume, against the Django
admin a team would otherwise use, measured in the same run.

1. A PostgreSQL database (DATABASE_URL, default caseflow_bench on 127.0.0.1) is
   migrated and filled with `seed_demo` up to --cases cases (200,000 by default,
   about 3 calls each); a filled database is reused on later runs.
2. gunicorn serves Caseflow with production settings on a free loopback port.
3. Each page is requested over HTTP (after a warm-up) with queries drawn from
   the data, as an advisor who owns thousands of cases; the admin changelist is
   requested as a team lead. Latency is p50/p95 of the whole HTTP round trip.
4. The queries per page are counted in-process with Django's test client.

The report goes to the terminal and to bench/last-report.txt.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlparse

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/caseflow_bench"
GOAL_P95_MS = 100.0
# One secret for gunicorn and for this process, which signs the session cookies.
SECRET_KEY = secrets.token_urlsafe(50)


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    queries: list[str]  # the ?q= values to cycle through; empty for a page without search
    baseline_of: str = ""  # for an admin page: the name of our page it is the baseline of
    # The reference each query must find: a fast page that finds nothing would be no result.
    expect: list[str] = field(default_factory=list)


def main() -> None:
    args = _arguments()
    database_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    if not database_url.startswith(("postgres://", "postgresql://")):
        sys.exit("make bench measures PostgreSQL: set DATABASE_URL to a postgres:// URL.")
    env = _environment(database_url)
    _database_ready(database_url, fresh=args.fresh)
    _run(["manage.py", "migrate", "--noinput", "-v0"], env)
    _seed_up_to(args.cases, env)
    os.environ.update(env)
    import django

    django.setup()
    advisor, team_lead, pages = _pages_and_personas()
    queries, errors = _queries_per_page(pages, advisor, team_lead)
    with _gunicorn(env) as port:
        timings = _measure(port, pages, advisor, team_lead, args.requests, errors)
    report = _report(pages, timings, queries, errors, args)
    print(report)
    (ROOT / "bench" / "last-report.txt").write_text(report + "\n")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=int(os.environ.get("BENCH_CASES", 200_000)))
    parser.add_argument("--requests", type=int, default=int(os.environ.get("BENCH_REQUESTS", 200)))
    parser.add_argument("--fresh", action="store_true", help="drop the database and seed it again")
    return parser.parse_args()


def _environment(database_url: str) -> dict[str, str]:
    """Development settings for seeding and counting; gunicorn gets production on top."""
    return {
        **os.environ,
        "CASEFLOW_ENV": "development",
        "DEBUG": "true",
        "DATABASE_URL": database_url,
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "DJANGO_SETTINGS_MODULE": "caseflow.settings",
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


def _seed_up_to(cases: int, env: dict[str, str]) -> None:
    import psycopg

    with psycopg.connect(env["DATABASE_URL"]) as connection:
        have = connection.execute("SELECT count(*) FROM caseflow_case").fetchone()[0]
    if have < cases:
        print(f"Seeding {cases - have} cases (have {have}); this takes a few minutes at 200,000.", flush=True)
        started = time.monotonic()
        _run(["manage.py", "seed_demo", "--cases", str(cases - have)], env)
        # Fresh statistics, as autovacuum would gather them on a live system.
        with psycopg.connect(env["DATABASE_URL"], autocommit=True) as connection:
            connection.execute("VACUUM (ANALYZE)")
        print(f"Seeded in {time.monotonic() - started:.0f} s.", flush=True)


def _pages_and_personas():
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from caseflow import roles
    from intake.models import Caller

    users = get_user_model().objects
    advisor = (
        users.filter(groups__name=roles.ADVISOR).annotate(owned=Count("owned_cases")).order_by("-owned").first()
    )
    team_lead = users.get(username="teamleider")
    rng = random.Random(7)
    callers = list(Caller.objects.order_by("?").values_list("phone", "name", "case__reference")[:200])
    phones = [_typed_nationally(phone) for phone, _, _ in callers]
    fragments = [_fragment(rng, name) for _, name, _ in callers]
    cases = [reference for _, _, reference in callers]
    references = [reference.lower().replace("-", " ") for reference in cases]
    admin = "/admin/caseflow/case/"
    pages = [
        Page("search by phone", "/zoeken/", phones, expect=cases),
        Page("search by name fragment", "/zoeken/", fragments),
        Page("search by reference", "/zoeken/", references, expect=cases),
        Page("my cases", "/zaken/mijn/", []),
        # The admin cannot normalise what was typed: it gets the stored phone number and
        # reference, its best case (it would find nothing for 06-12345678).
        Page("admin search by phone", admin, [p for p, _, _ in callers], "search by phone", expect=cases),
        Page("admin search by name fragment", admin, fragments, "search by name fragment"),
        Page("admin search by reference", admin, cases, "search by reference", expect=cases),
        Page("admin changelist", admin, [], "my cases"),
    ]
    return advisor, team_lead, pages


def _typed_nationally(e164: str) -> str:
    """+31612345678 -> 06-12345678, +31201234567 -> 020-1234567: as a parent dictates it."""
    import phonenumbers

    national = phonenumbers.format_number(phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.NATIONAL)
    area, _, subscriber = national.partition(" ")
    return f"{area}-{subscriber.replace(' ', '')}"


def _fragment(rng: random.Random, name: str) -> str:
    """3 to 5 letters from inside the family name, as an advisor half-remembers it."""
    family = name.split()[-1]
    length = min(len(family), rng.randint(3, 5))
    start = rng.randint(0, len(family) - length)
    return family[start : start + length]


def _user_for(page: Page, advisor, team_lead):
    return team_lead if page.path.startswith("/admin/") else advisor


def _extra_headers(page: Page) -> dict[str, str]:
    """Search is measured as the call screen asks for it while the advisor types (htmx)."""
    return {"HX-Request": "true"} if page.path == "/zoeken/" else {}


def _queries_per_page(pages: list[Page], advisor, team_lead) -> tuple[dict[str, int], dict[str, int]]:
    """Queries of one request per page after a warm-up; a non-200 answer, or a search
    that misses the case its query was taken from, counts as an error."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts, errors = {}, {}
    for page in pages:
        client = Client()
        client.force_login(_user_for(page, advisor, team_lead))
        params = {"q": page.queries[0]} if page.queries else {}
        client.get(page.path, params, headers=_extra_headers(page))  # warm: also loads permissions
        with CaptureQueriesContext(connection) as captured:
            response = client.get(page.path, params, headers=_extra_headers(page))
        counts[page.name] = len(captured)
        found = not page.expect or page.expect[0] in response.content.decode()
        errors[page.name] = int(response.status_code != 200 or not found)
        if not found:
            print(f"  {page.name}: {page.queries[0]!r} did not find {page.expect[0]}", flush=True)
    return counts, errors


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def _gunicorn(env: dict[str, str]):
    port = _free_port()
    static_root = tempfile.mkdtemp(prefix="caseflow-bench-static-")
    production = {
        **env,
        "CASEFLOW_ENV": "production",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": static_root,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
    }
    _run(["manage.py", "collectstatic", "--noinput", "-v0"], production)
    log = (ROOT / "var" / "bench-gunicorn.log").open("w")
    server = subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), "--config", "gunicorn.conf.py", "caseflow.wsgi:application"],
        cwd=ROOT, env=production, stdout=log, stderr=log,
    )
    try:
        _wait_for(port)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)
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


def _session_cookie(user) -> str:
    """A signed-in session made directly in the database, as the login form would."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def _measure(port: int, pages: list[Page], advisor, team_lead, requests: int, errors: dict[str, int]):
    """Timings per page over HTTP; non-200 answers are added to `errors`."""
    cookies = {user.pk: _session_cookie(user) for user in (advisor, team_lead)}
    timings: dict[str, list[float]] = {}
    for page in pages:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Cookie": cookies[_user_for(page, advisor, team_lead).pk], "Host": "127.0.0.1",
                   **_extra_headers(page)}
        # The admin takes seconds per search at volume: fewer requests keep the run short.
        count = requests if not page.baseline_of else max(requests // 10, 10)
        timings[page.name], failed = _timed(connection, page, headers, count)
        errors[page.name] += failed
        connection.close()
        print(f"  measured {page.name}", flush=True)
    return timings


def _timed(connection, page: Page, headers: dict, count: int) -> tuple[list[float], int]:
    def path(index: int) -> str:
        if not page.queries:
            return page.path
        return f"{page.path}?{urlencode({'q': page.queries[index % len(page.queries)]})}"

    for index in range(5):  # warm-up: connections, caches, gunicorn workers
        _get(connection, path(index), headers)
    durations, errors = [], 0
    for index in range(count):
        started = time.perf_counter()
        status = _get(connection, path(index + 5), headers)
        durations.append((time.perf_counter() - started) * 1000)
        errors += status != 200
    return durations, errors


def _get(connection, path: str, headers: dict) -> int:
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.read()
    return response.status


def _percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(share * 100) - 1]


def _report(pages, timings, queries, errors, args) -> str:
    from caseflow.models import Case
    from intake.models import Call

    lines = [
        f"Caseflow bench: {Case.objects.count():,} cases, {Call.objects.count():,} calls, "
        f"{args.requests} requests per page (admin: a tenth), gunicorn 2 workers, PostgreSQL, loopback HTTP",
        "",
        f"{'page':<32}{'p50 ms':>9}{'p95 ms':>9}{'queries':>9}{'errors':>8}  "
        f"{'admin p50':>10}{'admin p95':>10}  {'p95 ratio':>9}  goal p95 <= {GOAL_P95_MS:.0f} ms",
    ]
    baselines = {page.baseline_of: page.name for page in pages if page.baseline_of}
    for page in pages:
        if page.baseline_of:
            continue
        ours = timings[page.name]
        p50, p95 = statistics.median(ours), _percentile(ours, 0.95)
        row = f"{page.name:<32}{p50:>9.1f}{p95:>9.1f}{queries[page.name]:>9}{errors[page.name]:>8}  "
        admin = timings[baselines[page.name]]
        admin_p50, admin_p95 = statistics.median(admin), _percentile(admin, 0.95)
        row += f"{admin_p50:>10.1f}{admin_p95:>10.1f}  {admin_p95 / p95:>8.1f}x  "
        row += "PASS" if p95 <= GOAL_P95_MS and errors[page.name] == 0 else "FAIL"
        lines.append(row)
    lines += ["", "Baseline pages (team lead, Django admin changelist of the same cases):"]
    for page in pages:
        if page.baseline_of:
            lines.append(f"  {page.name:<30} queries {queries[page.name]:>3}  errors {errors[page.name]}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
