"""The whole test suite on another day: CASEFLOW_TEST_CLOCK_SHIFT_DAYS=365 moves Python's clock.

A test that passes today and fails next year depends on the calendar; running the suite with
the clock moved finds those. The shift is in days (negative goes back, a fraction moves the
time of day too: 0.25 is six hours) and the moved clock keeps ticking.

tests/settings.py starts it, so pytest and every process a test starts on the test settings
(the Celery worker and beat of tests/celery_worker.py, which inherit the variable) move their
clocks by the same shift. A test that travels itself (time_machine) nests inside the move and
comes back to it. PostgreSQL's and Redis's own clocks are not moved, nor the browser's: the
product takes "now" from Python (timezone.now()), never from the database.
"""

from __future__ import annotations

import datetime as dt
import os

import time_machine

SHIFT_VARIABLE = "CASEFLOW_TEST_CLOCK_SHIFT_DAYS"


def shift_from_environment() -> dt.timedelta | None:
    """The shift CASEFLOW_TEST_CLOCK_SHIFT_DAYS asks for; None when it is unset or empty."""
    days = os.environ.get(SHIFT_VARIABLE, "").strip()
    if not days:
        return None
    try:
        return dt.timedelta(days=float(days))
    except ValueError:
        raise ValueError(f"{SHIFT_VARIABLE} must be a number of days, such as 365 or -0.5, not {days!r}") from None


def move_clock_from_environment() -> None:
    """Move this process's clock by the shift asked for, for the rest of the process's life."""
    shift = shift_from_environment()
    if shift:
        time_machine.travel(dt.datetime.now(dt.UTC) + shift, tick=True).start()
