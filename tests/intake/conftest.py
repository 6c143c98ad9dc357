"""Fixtures of the intake tests (the helpers they use are in support.py)."""

from tests.intake.support import call_screen  # noqa: F401  (a fixture)
