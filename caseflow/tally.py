"""How many cases each group holds (owner, status, at home, flagged, review asked), how
many open cases were opened or last contacted since a given day, and how many open call-backs
each assignee has (escalated or not).

On PostgreSQL the database keeps three tallies (models.CaseTally, CaseHourTally and
CallbackTally, written by the triggers of migrations 0012, 0013 and 0014): the dashboard and the
queue's page count sum their few rows instead of counting tens of thousands of cases or
call-backs on every visit (at 200,000 cases, most of each page's time). The embedded SQLite of
`make run` holds a demo's few hundred cases and counts them directly.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from caseflow.models import Callback, CallbackTally, Case, CaseHourTally, CaseTally

GROUP = ("owner_id", "status", "at_home", "flagged", "review_asked")


def kept_by_triggers() -> bool:
    return connection.vendor == "postgresql"


def case_groups() -> list[dict]:
    """One dict per group that has cases: the GROUP columns and `cases`."""
    return summed() if kept_by_triggers() else counted()


# The tallies are read in SQL of our own: for these few hundred rows, building the statement
# through the ORM took three to four times as long as PostgreSQL took to answer it, on every
# visit of the dashboard and the queue (make bench: 2.5 ms against 0.7 for the groups).


def _summed(table: str, columns: tuple[str, ...], name: str) -> list[dict]:
    """The rows of a tally summed per `columns`, as dicts with the sum under `name`; groups
    that sum to zero left out. Table and columns are our models' own names, never a request's."""
    listed = ", ".join(columns)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {listed}, SUM(change) FROM {table} GROUP BY {listed} HAVING SUM(change) <> 0")
        return [dict(zip((*columns, name), row, strict=True)) for row in cursor.fetchall()]


def summed() -> list[dict]:
    """The groups as the tally has them."""
    return _summed(CaseTally._meta.db_table, GROUP, "cases")


def counted() -> list[dict]:
    """The groups counted from the cases themselves."""
    return list(
        Case.objects.order_by()
        .annotate(
            flagged=ExpressionWrapper(Q(flagged_at__isnull=False), output_field=BooleanField()),
            review_asked=ExpressionWrapper(Q(review_requested_at__isnull=False), output_field=BooleanField()),
        )
        .values(*GROUP)
        .annotate(cases=Count("id"))
    )


CALLBACK_GROUP = ("assigned_to_id", "escalated")


def callback_groups() -> list[dict]:
    """One dict per group of open call-backs (assignee, escalated or not): those and `callbacks`."""
    return callbacks_summed() if kept_by_triggers() else callbacks_counted()


def callbacks_summed() -> list[dict]:
    return _summed(CallbackTally._meta.db_table, CALLBACK_GROUP, "callbacks")


def callbacks_counted() -> list[dict]:
    escalated = ExpressionWrapper(Q(escalated_at__isnull=False), output_field=BooleanField())
    rows = Callback.objects.open().order_by().annotate(escalated=escalated).values(*CALLBACK_GROUP)
    return list(rows.annotate(callbacks=Count("id")))


OPENED, CONTACT = CaseHourTally.Kind.OPENED, CaseHourTally.Kind.CONTACT
# How far back the hour tally keeps its hours apart: the oldest day the dashboard counts from
# (its oldest age bucket, caseflow.team.AGE_BUCKETS, starts at 91 days; TEAM_STALE_DAYS may
# reach further), with two days to spare for a day's start and the clock.
KEPT_DAYS = 91


def horizon(now: datetime) -> datetime:
    return now - timedelta(days=max(KEPT_DAYS, settings.TEAM_STALE_DAYS) + 2)


def open_cases_since(now: datetime, **moments: tuple[str, datetime]) -> dict[str, int]:
    """For each name, how many open cases were opened (OPENED) or last contacted (CONTACT: their
    opening, before a first contact) at or after its moment, a whole hour within the horizon:
    `open_cases_since(now, week=(OPENED, start_of_the_week))`."""
    for kind, moment in moments.values():
        if moment < horizon(now) or moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0) != moment:
            raise ValueError(f"{kind} since {moment}: the hour tally counts from whole hours since {horizon(now)}")
    if kept_by_triggers():
        return _hours_summed(moments)
    cases = Case.objects.open().annotate(contact=Coalesce("last_contact_at", "opened_at"))
    field = {OPENED: "opened_at", CONTACT: "contact"}
    return cases.aggregate(**{
        name: Count("id", filter=Q(**{f"{field[kind]}__gte": moment})) for name, (kind, moment) in moments.items()
    })  # fmt: skip


def _hours_summed(moments: dict[str, tuple[str, datetime]]) -> dict[str, int]:
    sums = ", ".join("COALESCE(SUM(change) FILTER (WHERE kind = %s AND hour >= %s), 0)" for _ in moments)
    params = [value for kind, moment in moments.values() for value in (str(kind), moment)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {sums} FROM {CaseHourTally._meta.db_table} WHERE hour >= %s",
            [*params, min(moment for _, moment in moments.values())],
        )
        return dict(zip(moments, cursor.fetchone(), strict=True))


# One statement each, so they need no lock: each deletes the rows it read and writes their sums
# back, all in one snapshot; a change committed meanwhile is not in that snapshot and stays as it is.
_COMPACT = f"""
WITH folded AS (DELETE FROM caseflow_casetally RETURNING {", ".join(GROUP)}, change)
INSERT INTO caseflow_casetally ({", ".join(GROUP)}, change)
SELECT {", ".join(GROUP)}, SUM(change) FROM folded GROUP BY {", ".join(GROUP)} HAVING SUM(change) <> 0
"""
_COMPACT_CALLBACKS = """
WITH folded AS (DELETE FROM caseflow_callbacktally RETURNING assigned_to_id, escalated, change)
INSERT INTO caseflow_callbacktally (assigned_to_id, escalated, change)
SELECT assigned_to_id, escalated, SUM(change) FROM folded GROUP BY 1, 2 HAVING SUM(change) <> 0
"""
# The hours before the horizon fold into one row per kind, without an hour: nothing counts from
# that far back, and the few hundred hours since stay apart.
_COMPACT_HOURS = """
WITH folded AS (DELETE FROM caseflow_casehourtally RETURNING kind, hour, change)
INSERT INTO caseflow_casehourtally (kind, hour, change)
SELECT kind, CASE WHEN hour >= %s THEN hour END, SUM(change) FROM folded GROUP BY 1, 2 HAVING SUM(change) <> 0
"""


def compact() -> int:
    """Fold the tallies into one row per group and hour (beat, every few minutes); returns the rows left."""
    if not kept_by_triggers():
        return 0
    with connection.cursor() as cursor:
        cursor.execute(_COMPACT)
        left = cursor.rowcount
        cursor.execute(_COMPACT_CALLBACKS)
        left += cursor.rowcount
        cursor.execute(_COMPACT_HOURS, [horizon(timezone.now())])
        return left + cursor.rowcount


# Each fold leaves every earlier row dead, and reading a tally reads every page of its table,
# dead rows and all, until a vacuum gives them back: after a burst of changes (a bulk close, the
# bench's seeding) a thousand pages for a few hundred rows. Autovacuum may come late or not at
# all (it can be switched off), so the fold's own task vacuums right after. INDEX_CLEANUP ON:
# with few dead rows PostgreSQL may skip cleaning the index, and the dead line pointers it then
# leaves keep the emptied pages at the end of the table from being cut off.
_VACUUM = "VACUUM (INDEX_CLEANUP ON) caseflow_casetally, caseflow_casehourtally, caseflow_callbacktally"


def vacuum() -> None:
    """Give the pages of folded rows back (outside a transaction: VACUUM cannot run in one)."""
    if kept_by_triggers():
        with connection.cursor() as cursor:
            cursor.execute(_VACUUM)
