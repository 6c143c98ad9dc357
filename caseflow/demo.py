"""Demo data for a first look at Caseflow (`make run`) and for the benchmarks; never in
production. The demo accounts are in accounts/demo.py.

The data itself comes from the concerns and apps that own it: each registers a seeder
when it starts (AppConfig.ready()), so this module imports none of them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet

from caseflow.cases.models import Case
from caseflow.lib.history import writes_keeping_history_otherwise

# A seeder adds `count` cases' worth of its app's data and says what it made.
DemoSeeder = Callable[[int], str]
_SEEDERS: dict[str, tuple[int, DemoSeeder]] = {}


def register_demo_seeder(name: str, seeder: DemoSeeder, *, order: int = 50) -> None:
    """Seeders run by `order`: the cases (intake) first, then what hangs on them."""
    _SEEDERS[name] = (order, seeder)


def demo_data_seed(*, cases: int) -> list[str]:
    """Run every registered seeder; refused unless DEBUG is on, like the accounts. Each line says
    what a seeder made and how long it took."""
    if not settings.DEBUG:
        raise ImproperlyConfigured("Demo data is only made with DEBUG on.")
    lines = []
    for _, seeder in sorted(_SEEDERS.values(), key=lambda entry: entry[0]):
        started = time.monotonic()
        made = seeder(cases)
        lines.append(f"{made} in {time.monotonic() - started:.0f} s")
    return lines


# --- Helpers for the seeders -------------------------------------------------------------


def demo_newest_cases(count: int) -> QuerySet[Case]:
    """The `count` cases made last: those the intake seeder has just added, which the seeders
    after it fill (or every case, to top up a database seeded before they existed)."""
    pks = Case.objects.order_by("-pk").values_list("pk", flat=True)
    first = pks[count - 1 : count].first() if count > 0 else None
    if first is None:  # fewer cases than that: all of them
        return Case.objects.all() if count > 0 else Case.objects.none()
    return Case.objects.filter(pk__gte=first)


def demo_rows_insert(model, rows: list, *, batch_size: int = 1_000) -> None:
    """Insert demo rows as they are now, with the history their saves would have left.

    Every row gets a "+" history row at `_history_date` by `_history_user`. A row that changed
    after it was made carries `_demo_as_made = (moment, user, {field: value then})`: its "+"
    row then shows those values at that moment by that user (None: the system), and a "~" row
    shows it as it is now.
    """
    changed = [row for row in rows if getattr(row, "_demo_as_made", None)]
    with writes_keeping_history_otherwise("the demo seeders write every history row themselves"):
        model.objects.bulk_create(rows, batch_size=batch_size)
        with _as_made(changed):
            model.history.bulk_history_create(rows, batch_size=batch_size)
        model.history.bulk_history_create(changed, batch_size=batch_size, update=True)


def _as_made(rows: list):
    """The rows as they were made, for the length of the block."""

    def then(row) -> dict:
        moment, user, values = row._demo_as_made
        return {**values, "_history_date": moment, "_history_user": user}

    return demo_rows_showing(rows, then)


@contextmanager
def demo_rows_showing(rows: list, values_of: Callable[[object], dict]) -> Iterator[None]:
    """Each row with the attribute values `values_of(row)` gives, for the length of the block
    (to write a history row of it as it was), and as it is again after."""
    present = []
    for row in rows:
        values = values_of(row)
        present.append({name: getattr(row, name) for name in values})
        for name, value in values.items():
            setattr(row, name, value)
    try:
        yield
    finally:
        for row, values in zip(rows, present, strict=True):
            for name, value in values.items():
                setattr(row, name, value)
