"""Query counts of pages: the same number of queries for few rows as for many.

A page's first GET after a while also stamps the session's last activity (one
UPDATE, see caseflow.accounts.security.SessionLimitsMiddleware), and whether that
happens depends on how long the test's seeding took. So each measured GET
follows an unmeasured one (which also fills the caches of a first request), and
stamps no activity itself: on a slow machine ten seconds could pass between the
two GETs, and the count is the page's own.
"""

from __future__ import annotations

from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext


def page_queries(client, url: str, params: dict | None = None, **headers) -> list[str]:
    """The SQL of one GET of `url` (which must answer 200), after a first GET that settles the session."""
    client.get(url, params or {}, **headers)
    never_stamps = mock.patch("caseflow.accounts.security.ACTIVITY_RESOLUTION_SECONDS", float("inf"))
    with never_stamps, CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {}, **headers)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return [query["sql"] for query in captured.captured_queries]


def numbered(sql: list[str]) -> str:
    return "\n".join(f"{number:3}. {query}" for number, query in enumerate(sql, 1))


def assert_constant_queries(few: list[str], many: list[str], *, ceiling: int) -> None:
    """The same number of queries with few and with many rows, and no more than `ceiling`."""
    assert len(few) == len(many), (
        f"{len(few)} queries with few rows, {len(many)} with many.\n"
        f"-- few rows:\n{numbered(few)}\n-- many rows:\n{numbered(many)}"
    )
    assert len(many) <= ceiling, f"{len(many)} queries, more than {ceiling}:\n{numbered(many)}"
