"""The team lead's screens as they are read all day: the queue's sort orders, the dashboard's
call-back figures and the lists behind them, and the charts of the figures over time."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from caseflow.models import Case
from tests.factories import CaseFactory

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def _on(day: int) -> datetime:
    return datetime(2026, 11, day, 10, 0, tzinfo=AMSTERDAM)


# --- The queue's sort orders ------------------------------------------------------------------

SORT_LABELS = {
    "-contact": "Nieuwste contact eerst",
    "contact": "Oudste contact eerst",
    "opened": "Oudste zaak eerst",
    "-opened": "Nieuwste zaak eerst",
    "at_home_since": "Langst thuis eerst",
    "-at_home_since": "Kortst thuis eerst",
}


def _sort_options(html: str) -> dict[str, str]:
    select = re.search(r'<select name="sort".*?</select>', html, re.S).group(0)
    return dict(re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select))


def test_each_sort_choice_has_its_own_label_that_says_the_order(team_lead_client):
    options = _sort_options(team_lead_client.get(reverse("team_queue")).content.decode())

    assert options == SORT_LABELS
    assert len(set(options.values())) == len(options)


@pytest.fixture
def four_cases(advisor) -> dict[str, Case]:
    """Opened in the order a, b, c, d; last contacted c, a, d, b; at home since b, a (c, d not at home)."""
    cases = {}
    for name, opened, contact, at_home in (("a", 1, 6, 3), ("b", 2, 9, 1), ("c", 3, 4, None), ("d", 4, 7, None)):
        case = CaseFactory(owner=advisor)
        case.opened_at, case.last_contact_at = _on(opened), _on(contact)
        if at_home:
            case.at_home, case.at_home_since = "yes", date(2026, 10, at_home)
        case.save()
        cases[name] = case
    return cases


@pytest.mark.parametrize(
    ("sort", "order"),
    [("-contact", "bdac"), ("contact", "cadb"), ("opened", "abcd"), ("-opened", "dcba"),
     ("at_home_since", "ba"), ("-at_home_since", "ab")],
)  # fmt: skip
def test_each_sort_choice_sorts_as_its_label_says(team_lead_client, four_cases, sort, order):
    """The cases that are not at home come after those that are, in both orders of "at home"."""
    html = team_lead_client.get(reverse("team_queue"), {"sort": sort}).content.decode()

    listed = re.findall(r'aria-label="(OO-\d{4}-\d+)"', html)
    by_reference = {case.reference: name for name, case in four_cases.items()}
    assert "".join(by_reference[reference] for reference in listed)[: len(order)] == order
    assert len(listed) == 4
