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

from caseflow.callbacks.models import Callback
from caseflow.cases.models import Case
from caseflow.team.models import CallbackTally, CaseHourTally, CaseTally

GROUP = ("owner_id", "status", "at_home", "flagged", "review_asked")


def kept_by_triggers() -> bool:
    return connection.vendor == "postgresql"


def case_groups() -> list[dict]:
    """One dict per group that has cases: the GROUP columns and `cases`."""
    return summed() if kept_by_triggers() else counted()


# The tallies are read in SQL of our own: for these few hundred rows, building the statement
# through the ORM takes longer than PostgreSQL takes to answer it. At 200,000 cases (the bench's
# database, medians of 300 reads each, interleaved): the groups of cases 1.2 ms against 2.1
# through the ORM, of call-backs 0.4 against 0.9, the hours since a day 0.5 against 2.0; 2.1 ms
# against 5.0 on every visit of the dashboard (about 4% of its 78 ms). Folding (compact()) deletes
# and writes back in one statement, which the ORM cannot say at all.
# Tables and columns in the SQL below are our models' own names, never a request's.


class _GroupedTally:
    """A tally of +1/-1 rows per group of columns: summed per group to read it, folded into one
    row per group by compact()."""

    def __init__(self, model, columns: tuple[str, ...]):
        self.table, self.columns, listed = model._meta.db_table, columns, ", ".join(columns)
        self._sum = f"SELECT {listed}, SUM(change) FROM {self.table} GROUP BY {listed} HAVING SUM(change) <> 0"
        # One statement, so it needs no lock: it deletes the rows it read and writes their sums
        # back in one snapshot; a change committed meanwhile is not in it and stays as it is.
        self.fold = (
            f"WITH folded AS (DELETE FROM {self.table} RETURNING {listed}, change) "
            f"INSERT INTO {self.table} ({listed}, change) "
            f"SELECT {listed}, SUM(change) FROM folded GROUP BY {listed} HAVING SUM(change) <> 0"
        )

    def summed(self, name: str) -> list[dict]:
        """One dict per group that does not sum to zero: its columns, and the sum under `name`."""
        with connection.cursor() as cursor:
            cursor.execute(self._sum)
            return [dict(zip((*self.columns, name), row, strict=True)) for row in cursor.fetchall()]


def _is_set(field: str) -> ExpressionWrapper:
    """True where `field` holds a moment: how the triggers turn flagged_at into `flagged`."""
    return ExpressionWrapper(Q(**{f"{field}__isnull": False}), output_field=BooleanField())


_CASES = _GroupedTally(CaseTally, GROUP)


def summed() -> list[dict]:
    """The groups as the tally has them."""
    return _CASES.summed("cases")


def counted() -> list[dict]:
    """The groups counted from the cases themselves."""
    cases = Case.objects.order_by().annotate(flagged=_is_set("flagged_at"), review_asked=_is_set("review_requested_at"))
    return list(cases.values(*GROUP).annotate(cases=Count("id")))


CALLBACK_GROUP = ("assigned_to_id", "escalated")
_CALLBACKS = _GroupedTally(CallbackTally, CALLBACK_GROUP)


def callback_groups() -> list[dict]:
    """One dict per group of open call-backs (assignee, escalated or not): those and `callbacks`."""
    return callbacks_summed() if kept_by_triggers() else callbacks_counted()


def callbacks_summed() -> list[dict]:
    return _CALLBACKS.summed("callbacks")


def callbacks_counted() -> list[dict]:
    rows = Callback.objects.open().order_by().annotate(escalated=_is_set("escalated_at")).values(*CALLBACK_GROUP)
    return list(rows.annotate(callbacks=Count("id")))


OPENED, CONTACT = CaseHourTally.Kind.OPENED, CaseHourTally.Kind.CONTACT
# How far back the hour tally keeps its hours apart: the oldest day the dashboard counts from
# (its oldest age bucket, caseflow.team.dashboard.AGE_BUCKETS, starts at 91 days; TEAM_STALE_DAYS may
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


# The hours fold like the groups (_GroupedTally.fold), and those before the horizon into one row
# per kind, without an hour: nothing counts from that far back, and the few hundred since stay apart.
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
        left = 0
        for grouped in (_CASES, _CALLBACKS):
            cursor.execute(grouped.fold)
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
