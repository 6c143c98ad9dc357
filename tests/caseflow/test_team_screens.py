"""The team lead's screens as they are read all day: the queue's sort orders, the dashboard's
call-back figures and the lists behind them, and the charts of the figures over time."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from caseflow import callbacks
from caseflow.models import Callback, CallbackStatus, Case
from tests.caseflow.test_team_lead import _figure_links
from tests.factories import CaseFactory, callback_planned
from tests.signin import signed_in_client

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


# --- The dashboard's call-back figures and the lists behind them --------------------------------

MONDAY_MORNING = datetime(2026, 11, 2, 8, 0, tzinfo=AMSTERDAM)


@pytest.fixture
def monday_noon(time_machine, settings, advisor, other_advisor) -> dict[str, Callback]:
    """Monday at noon, after the overdue check ran: call-backs of two advisors and the team queue."""
    settings.CALLBACK_OVERDUE_MINUTES = 60
    time_machine.move_to(MONDAY_MORNING, tick=False)

    def plan(who, hour: int, minute: int, *, assigned=True, days=0) -> Callback:
        due = (MONDAY_MORNING + timedelta(days=days)).replace(hour=hour, minute=minute)
        return callback_planned(who, due, assigned_to=who if assigned else None)

    planned = {
        "anna_10": plan(advisor, 10, 0),  # overdue and escalated by noon
        "anna_1230": plan(advisor, 12, 30),  # still to make today
        "anna_tuesday": plan(advisor, 10, 0, days=1),  # in none of the lists
        "bram_1015": plan(other_advisor, 10, 15),  # overdue and escalated by noon
        "queue_11": plan(advisor, 11, 0, assigned=False),  # overdue, not yet escalated
    }
    done = plan(other_advisor, 10, 30)
    callbacks.callback_finish(callback=done, by=other_advisor, status=CallbackStatus.DONE)
    time_machine.move_to(MONDAY_MORNING.replace(hour=12), tick=False)
    callbacks.callbacks_escalate_overdue()
    return planned


CALLBACK_FIGURES = {
    "overdue": {"anna_10", "bram_1015", "queue_11"},
    "escalated": {"anna_10", "bram_1015"},
    "today": {"anna_10", "anna_1230", "bram_1015", "queue_11"},
}


def _listed_callbacks(html: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'data-testid="callback" data-callback="(\d+)"', html)}


def test_each_call_back_figure_links_to_a_list_of_exactly_those_call_backs(monday_noon, team_lead):
    lead = signed_in_client(team_lead)  # signed in after the clock moved: a session lasts 12 hours
    links = _figure_links(lead.get(reverse("team_dashboard")).content.decode())

    for key, names in CALLBACK_FIGURES.items():
        href, number = links[key]
        listed = _listed_callbacks(lead.get(href).content.decode())
        assert listed == {monday_noon[name].pk for name in names}, f"{key}: {href}"
        assert number == len(names), key


def test_the_call_back_lists_say_which_list_they_are_and_offer_the_others(monday_noon, team_lead):
    html = signed_in_client(team_lead).get(reverse("team_callbacks"), {"lijst": "geescaleerd"}).content.decode()

    assert "<h1" in html and "Geëscaleerd naar de teamleiders</h1>" in html
    assert f'href="{reverse("team_callbacks")}?lijst=vandaag"' in html
    assert f'href="{reverse("team_callbacks")}?lijst=te-laat"' in html


def test_an_empty_call_back_list_says_so(team_lead_client):
    html = team_lead_client.get(reverse("team_callbacks"), {"lijst": "vandaag"}).content.decode()

    assert _listed_callbacks(html) == set()
    assert "Geen terugbelverzoeken in deze lijst." in html


@pytest.mark.parametrize("which", ["", "morgen", "vandaag/../te-laat"])
def test_an_unknown_call_back_list_is_404(team_lead_client, which):
    assert team_lead_client.get(reverse("team_callbacks"), {"lijst": which}).status_code == 404


def test_the_call_back_list_without_a_choice_is_todays(monday_noon, team_lead):
    html = signed_in_client(team_lead).get(reverse("team_callbacks")).content.decode()

    assert _listed_callbacks(html) == {monday_noon[name].pk for name in CALLBACK_FIGURES["today"]}
