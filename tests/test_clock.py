"""CASEFLOW_TEST_CLOCK_SHIFT_DAYS: the suite, and the processes it starts, on another day."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import time_machine

from tests.clock import SHIFT_VARIABLE

ROOT = Path(__file__).resolve().parent.parent
DAY = 86_400

# What a worker process on the test settings sees: its clock, and its clock during and after a
# travel of its own (as the tests that use time_machine do).
_REPORT_CLOCKS = """
import django, time_machine
django.setup()
from django.utils import timezone
moved = timezone.now().timestamp()
with time_machine.travel("2031-01-06 10:30 +01:00", tick=False):
    during = timezone.now().timestamp()
after = timezone.now().timestamp()
print(moved, during, after)
"""


def _clocks_of_a_process_with(shift: str) -> tuple[float, float, float, float]:
    """(real time, the process's clock, its clock during a travel, its clock after it)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", SHIFT_VARIABLE: shift}
    env.pop("DATABASE_URL", None)  # the clock only: no database needed
    result = subprocess.run([sys.executable, "-c", _REPORT_CLOCKS], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=60, check=True)  # fmt: skip
    moved, during, after = (float(value) for value in result.stdout.split())
    return _real_time(), moved, during, after


def _real_time() -> float:
    """The real time, also when this run's own clock is moved."""
    hatch = time_machine.escape_hatch
    return hatch.time.time() if hatch.is_travelling() else time.time()


def test_a_process_on_the_test_settings_runs_the_given_number_of_days_ahead():
    real, moved, during, after = _clocks_of_a_process_with("365")
    assert abs(moved - (real + 365 * DAY)) < 60
    assert during == 1_925_458_200  # 2031-01-06 09:30 UTC: a test's own travel still goes where it says
    assert abs(after - (real + 365 * DAY)) < 60  # and comes back to the moved clock


def test_without_the_variable_the_clock_is_the_real_one():
    real, moved, _during, after = _clocks_of_a_process_with("")
    assert abs(moved - real) < 60 and abs(after - real) < 60


def test_a_shift_that_is_not_a_number_of_days_is_refused_by_name():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", SHIFT_VARIABLE: "next year"}
    result = subprocess.run([sys.executable, "-c", "import tests.settings"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    assert result.returncode != 0
    assert f"{SHIFT_VARIABLE} must be a number of days" in result.stderr
