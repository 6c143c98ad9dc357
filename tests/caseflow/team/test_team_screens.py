"""The team lead's screens as they are read all day: the queue's sort orders, the dashboard's
call-back figures and the lists behind them, and the charts of the figures over time."""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from caseflow.callbacks.models import Callback, CallbackStatus
from caseflow.callbacks.reminders import callbacks_escalate_overdue
from caseflow.callbacks.services import callback_finish
from caseflow.cases.models import Case
from caseflow.team.charts import CHAR_WIDTH, axis_values, bar_chart
from referrals.models import Loket
from referrals.services import referral_make
from tests.caseflow.lib.test_dates import _text
from tests.caseflow.team.test_team_lead import _figure_links
from tests.factories import CaseFactory, callback_planned, case_with_call
from tests.signin import signed_in_client

# Every figure these pages show, from the tallies and counted (tests/caseflow/team/conftest.py).
pytestmark = pytest.mark.usefixtures("count_path")

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
    callback_finish(callback=done, by=other_advisor, status=CallbackStatus.DONE)
    time_machine.move_to(MONDAY_MORNING.replace(hour=12), tick=False)
    callbacks_escalate_overdue()
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


# --- The figures over time ---------------------------------------------------------------------


def _chart(html: str, key: str) -> str:
    section = re.search(rf'<section[^>]*data-testid="chart-{key}".*?</section>', html, re.S).group(0)
    return re.search(r"<svg.*?</svg>", section, re.S).group(0)


def _texts(svg: str, css_class: str) -> list[str]:
    """The text of each <text> with that class, its lines (tspans) joined by a space."""
    found = re.findall(rf'<text[^>]*class="[^"]*\b{css_class}\b[^"]*"[^>]*>(.*?)</text>', svg, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", text).split()) for text in found]


def _refer(case, code: str, by) -> None:
    referral_make(case=case, loket=Loket.objects.get(code=code), by=by, advice=None, manual_reason="Thuiszitter")


def test_a_chart_per_group_writes_every_name_in_full_and_has_a_value_axis(team_lead_client, advisor):
    cases = [case_with_call(advisor) for _ in range(3)]
    for case in cases:
        _refer(case, "onderwijsconsulent", advisor)
    _refer(cases[0], "kinderrechtenhelpdesk", advisor)

    svg = _chart(team_lead_client.get(reverse("team_figures")).content.decode(), "referrals-per-loket")

    assert _texts(svg, "chart-name") == ["Onderwijsconsulenten", "Kinderrechtenhelpdesk (Defence for Children)"]
    assert "…" not in svg
    assert _texts(svg, "chart-tick") == ["0", "1", "2", "3"]


def test_a_chart_is_an_image_with_a_title_and_a_description_and_its_numbers_in_a_table(team_lead_client, advisor):
    for _ in range(2):
        _refer(case_with_call(advisor), "onderwijsconsulent", advisor)
    html = team_lead_client.get(reverse("team_figures")).content.decode()
    svg = _chart(html, "referrals-per-loket")

    assert 'role="img"' in svg
    assert re.search(r'aria-labelledby="(chart-referrals-per-loket-title) (chart-referrals-per-loket-desc)"', svg)
    assert '<title id="chart-referrals-per-loket-title">Verwijzingen per loket</title>' in svg
    assert "Hoogste waarde: Onderwijsconsulenten, 2 verwijzingen." in _text(svg)
    section = re.search(r'<section[^>]*data-testid="chart-referrals-per-loket".*?</section>', html, re.S).group(0)
    table = section.split("</svg>")[1]
    assert "<td>Onderwijsconsulenten</td>" in table and ">2 verwijzingen</td>" in table


def test_the_value_axis_has_a_few_round_numbers():
    assert axis_values(37, whole=True) == [0, 10, 20, 30, 40]
    assert axis_values(3, whole=True) == [0, 1, 2, 3]
    assert axis_values(1, whole=True) == [0, 1]
    assert axis_values(100, whole=False) == [0, 25, 50, 75, 100]
    assert axis_values(2.6, whole=False) == [0, 1, 2, 3]
    assert axis_values(0.3, whole=False) == [0, 0.1, 0.2, 0.3]
    assert axis_values(0, whole=True) == [0, 1]


def test_a_chart_over_a_year_writes_week_labels_that_do_not_overlap():
    """52 columns: every label is in its column's <title> and the table; under the columns only
    as many as fit side by side, slanted."""
    weeks = [(f"2026-W{week:02d}", week % 7) for week in range(1, 53)]

    chart = bar_chart(weeks)

    written = [bar for bar in chart.bars if bar.name]
    assert chart.kind == "columns" and len(chart.bars) == 52
    assert written[0].label == "2026-W01" and 10 <= len(written) < 52
    across = [(b.name.x - a.name.x) * math.sin(math.radians(45)) for a, b in zip(written, written[1:], strict=False)]
    assert min(across) >= 14  # the labels' line height: they do not overlap
    assert all(bar.name.lines == (bar.label,) for bar in written)


def test_a_long_name_wraps_over_lines_inside_the_drawing_and_is_never_cut():
    name = "Kinderrechtenhelpdesk (Defence for Children)"

    chart = bar_chart([("RegelRecht", 1), (name, 12)])

    assert chart.kind == "rows"
    lines = chart.bars[1].name.lines
    assert " ".join(lines) == name and len(lines) == 2
    longest = max(len(line) for bar in chart.bars for line in bar.name.lines)
    assert chart.bars[1].name.x - longest * CHAR_WIDTH >= 0  # the names fit left of the bars
    assert all(bar.x >= bar.name.x for bar in chart.bars)
    assert chart.bars[1].x + chart.bars[1].width <= chart.width
