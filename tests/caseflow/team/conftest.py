"""Fixtures of the team lead's tests."""

import pytest

from caseflow.team import tally


@pytest.fixture(params=[pytest.param("tallies", marks=pytest.mark.postgres), "counting"])
def count_path(request, monkeypatch):
    """Each test twice, on the same data: with the figures summed from the tallies that
    PostgreSQL's triggers keep, and counted from the cases and call-backs themselves, as on
    SQLite, which keeps no tallies (caseflow/team/tally.py). Both must say the same."""
    if request.param == "counting":
        monkeypatch.setattr(tally, "kept_by_triggers", lambda: False)
    return request.param
