"""How many cases each group holds (owner, status, at home, flagged, review asked).

On PostgreSQL the database keeps a tally (models.CaseTally, written by the triggers of
migration 0012): the dashboard and the queue's page count sum its few rows instead of counting
tens of thousands of cases on every visit (at 200,000 cases, most of each page's time). The
embedded SQLite of `make run` holds a demo's few hundred cases and counts them directly.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, Sum

from caseflow.models import Case, CaseTally

GROUP = ("owner_id", "status", "at_home", "flagged", "review_asked")


def kept_by_triggers() -> bool:
    return connection.vendor == "postgresql"


def case_groups() -> list[dict]:
    """One dict per group that has cases: the GROUP columns and `cases`."""
    return summed() if kept_by_triggers() else counted()


def summed() -> list[dict]:
    """The groups as the tally has them."""
    return list(CaseTally.objects.order_by().values(*GROUP).annotate(cases=Sum("change")).exclude(cases=0))


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


# One statement, so it needs no lock: it deletes the rows it read and writes their sums back,
# all in one snapshot; a change committed meanwhile is not in that snapshot and stays as it is.
_COMPACT = f"""
WITH folded AS (DELETE FROM caseflow_casetally RETURNING {", ".join(GROUP)}, change)
INSERT INTO caseflow_casetally ({", ".join(GROUP)}, change)
SELECT {", ".join(GROUP)}, SUM(change) FROM folded GROUP BY {", ".join(GROUP)} HAVING SUM(change) <> 0
"""


def compact() -> int:
    """Fold the tally into one row per group (beat, every few minutes); returns the rows left."""
    if not kept_by_triggers():
        return 0
    with connection.cursor() as cursor:
        cursor.execute(_COMPACT)
        return cursor.rowcount


# Each fold leaves every earlier row dead, and reading the tally reads every page of its table,
# dead rows and all, until a vacuum gives them back: after a burst of changes (a bulk close, the
# bench's seeding) a thousand pages for a few hundred rows. Autovacuum may come late or not at
# all (it can be switched off), so the fold's own task vacuums right after. INDEX_CLEANUP ON:
# with few dead rows PostgreSQL may skip cleaning the index, and the dead line pointers it then
# leaves keep the emptied pages at the end of the table from being cut off.
_VACUUM = "VACUUM (INDEX_CLEANUP ON) caseflow_casetally"


def vacuum() -> None:
    """Give the pages of folded rows back (outside a transaction: VACUUM cannot run in one)."""
    if kept_by_triggers():
        with connection.cursor() as cursor:
            cursor.execute(_VACUUM)
