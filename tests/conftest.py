"""Shared fixtures: personas, service requirements, the browser.

Personas follow the helpline's roles: `advisor`, `other_advisor`, `team_lead`,
and the anonymous visitor (the plain `client`). Each comes with a signed-in
test client (`advisor_client`, ...).

Tests that need a real service carry a marker (`redis`, `postgres`, `browser`).
Without the service they skip on a developer's machine, with the reason; in CI
(CI=true) they fail, because there a skipped test would hide a broken service.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone

from caseflow.accounts import roles
from tests.celery_worker import celery_worker_process  # noqa: F401  (a fixture)
from tests.clock import SHIFT_VARIABLE, shift_from_environment
from tests.factories import UserFactory
from tests.signin import signed_in_client

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def service_missing(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (in CI this is an error, not a skip)", pytrace=False)
    pytest.skip(reason)


def pytest_report_header() -> str | None:
    """Say which day a run with a moved clock ran on (tests/settings.py moved it), to run it again."""
    shift = shift_from_environment()
    if not shift:
        return None
    now = timezone.localtime()
    return f"{SHIFT_VARIABLE}={os.environ[SHIFT_VARIABLE]}: the tests run on {now:%A %Y-%m-%d %H:%M %Z}"


def pytest_sessionstart(session: pytest.Session) -> None:
    """In CI, refuse to run at all without the real services."""
    if not IN_CI:
        return
    problems = []
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        problems.append("DATABASE_URL must point at PostgreSQL")
    if not os.environ.get("REDIS_URL"):
        problems.append("REDIS_URL must point at Redis")
    if not CHROMIUM.exists():
        problems.append(f"{CHROMIUM} (Debian's chromium) must be installed")
    if problems:
        pytest.exit("CI needs its services: " + "; ".join(problems), returncode=3)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _require_marked_services(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("redis"):
        url = os.environ.get("REDIS_URL")
        if not url:
            service_missing("needs Redis: set REDIS_URL")
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        service_missing("needs PostgreSQL: set DATABASE_URL")


# --- Personas -------------------------------------------------------------------


@pytest.fixture
def advisor(db):
    return UserFactory(username="anna", first_name="Anna", role=roles.ADVISOR)


@pytest.fixture
def other_advisor(db):
    return UserFactory(username="bram", first_name="Bram", role=roles.ADVISOR)


@pytest.fixture
def team_lead(db):
    return UserFactory(username="carla", first_name="Carla", role=roles.TEAM_LEAD)


@pytest.fixture
def administrator(db):
    return UserFactory(username="beheer", is_superuser=True, is_staff=True)


def _signed_in(user) -> Client:
    return signed_in_client(user)


@pytest.fixture
def advisor_client(advisor) -> Client:
    return _signed_in(advisor)


@pytest.fixture
def other_advisor_client(other_advisor) -> Client:
    return _signed_in(other_advisor)


@pytest.fixture
def team_lead_client(team_lead) -> Client:
    return _signed_in(team_lead)


@pytest.fixture
def administrator_client(administrator) -> Client:
    return _signed_in(administrator)


# --- Browser ----------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Debian's chromium, never a browser downloaded by Playwright."""
    if not CHROMIUM.exists():
        service_missing(f"needs chromium at {CHROMIUM}: apt-get install chromium")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url(live_server) -> str:
    """Playwright's relative URLs go to Django's live test server."""
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    # The helpline's advisors work in Dutch browsers.
    return {**browser_context_args, "locale": "nl-NL", "timezone_id": "Europe/Amsterdam"}


@pytest.fixture
def requests_to_other_hosts(page, base_url) -> list[str]:
    """Every request the page makes that does not go to our own server."""
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url) if not request.url.startswith(base_url) else None)
    return seen


@pytest.fixture
def sign_in(page, base_url):
    """sign_in(user): give the browser a signed-in session without typing the form."""

    def _sign_in(user) -> None:
        client = signed_in_client(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])

    return _sign_in
