"""The team lead's pages: what they show, that they stay at a fixed number of queries
from 10 to 1,000 cases, that advisors are kept out, and that acting on them
(reassigning, reviewing, exporting) leaves history, notifications and log entries."""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from caseflow.audit.models import AccessLog
from caseflow.callbacks.demo import demo_callbacks_seed
from caseflow.callbacks.models import Callback, CallbackStatus
from caseflow.callbacks.reminders import callbacks_escalate_overdue
from caseflow.callbacks.services import callback_finish
from caseflow.cases.models import Case, Topic
from caseflow.cases.services import case_request_review
from caseflow.lib.history import bulk_create_tracked, bulk_update_tracked
from caseflow.notifications.models import Notification
from caseflow.team.dashboard import dashboard_figures
from caseflow.team.filters import QueueFilter
from intake.demo import demo_cases_seed
from referrals.models import Loket
from referrals.services import referral_make
from tests.factories import CaseFactory, callback_planned, case_with_call
from tests.querycount import numbered, page_queries
from tests.signin import signed_in_client

# Every figure these pages show, from the tallies and counted (tests/caseflow/team/conftest.py).
pytestmark = pytest.mark.usefixtures("count_path")

TEAM_PAGES = [
    ("team_dashboard", {}),
    ("team_queue", {}),
    ("team_queue", {"owner": "none"}),
    ("team_queue", {"stale": "true", "sort": "contact"}),
    ("team_queue", {"age": "older", "sort": "opened"}),
    ("team_queue", {"at_home": "yes", "sort": "at_home_since"}),
    ("team_queue", {"figure": "referrals-waiting"}),
    ("team_queue", {"status": "all", "pagina": "2"}),
    ("team_reviews", {}),
    ("team_figures", {"weken": "52"}),
    ("callbacks_overdue", {}),
    ("team_callbacks", {"lijst": "te-laat"}),
    ("team_callbacks", {"lijst": "geescaleerd"}),
    ("team_callbacks", {"lijst": "vandaag"}),
    ("access_log", {}),
    ("access_log", {"action": "view"}),
    ("retention_queue", {}),
]
PAGE_IDS = [f"{name}?{'&'.join(f'{k}={v}' for k, v in params.items())}" for name, params in TEAM_PAGES]


def _queries(client, name: str, params: dict) -> list[str]:
    return page_queries(client, reverse(name), params)


def _queue_rows_shown(client, name: str, params: dict) -> int | None:
    """How many cases a queue page lists (None for the other pages): a page listing none skips
    its row query, and a count of queries compares like with like only when both sizes list rows."""
    if name != "team_queue":
        return None
    return client.get(reverse(name), params).content.decode().count('data-testid="queue-row"')


def _work_for_the_team_lead(by) -> None:
    """Some of every kind of row the pages list: flagged, review asked, overdue call-backs."""
    cases = list(Case.objects.open().order_by("id")[:40])
    share = min(max(len(cases) // 4, 1), 10)  # 10 each of 40 open cases; at least one each of a few
    for case in cases[:share]:
        case_request_review(case=case, by=by, question="Graag meekijken")
    for case in cases[share : 2 * share]:
        case.flagged_at, case.flag_reason = timezone.now(), "Ouder niet bereikt"
        case.save()
    due = timezone.now() - timedelta(days=1)
    overdue = [
        Callback(case=case, assigned_to=by, planned_by=by, due_at=due, window_ends_at=due + timedelta(minutes=15),
                 subject="Terugbellen", status=CallbackStatus.REMINDED, escalated_at=due + timedelta(hours=1))
        for case in cases[2 * share : 4 * share]
    ]  # fmt: skip
    bulk_create_tracked(overdue, Callback)
    _one_left_waiting(Case.objects.open().order_by("id").last(), by)


def _one_left_waiting(case: Case, by) -> None:
    """A case for the queue's remaining filters: in the team queue, opened four months ago and not
    heard from since, waiting for a referral. The demo's few cases fall in those filters or not
    depending on the day the test runs; this one always does."""
    four_months_ago = timezone.now() - timedelta(days=120)
    case.owner, case.opened_at, case.last_contact_at = None, four_months_ago, four_months_ago
    case.save()
    consultant = Loket.objects.get(code="onderwijsconsulent")  # waits for the parent's consent
    referral_make(case=case, loket=consultant, by=by, advice=None, manual_reason="Thuiszitter")


@pytest.mark.parametrize(("name", "params"), TEAM_PAGES, ids=PAGE_IDS)
def test_every_team_lead_page_runs_the_same_queries_at_10_and_at_1000_cases(
    team_lead_client, advisor, other_advisor, name, params
):
    demo_cases_seed(count=10, seed=1)
    demo_callbacks_seed()
    _work_for_the_team_lead(advisor)
    few = _queries(team_lead_client, name, params)
    assert _queue_rows_shown(team_lead_client, name, params) != 0, "10 cases: the queue should list some"

    demo_cases_seed(count=990, seed=2)
    demo_callbacks_seed()
    _work_for_the_team_lead(other_advisor)
    assert Case.objects.count() == 1000
    many = _queries(team_lead_client, name, params)
    assert _queue_rows_shown(team_lead_client, name, params) != 0, "1,000 cases: the queue should list some"

    assert len(few) == len(many), f"-- 10 cases:\n{numbered(few)}\n-- 1,000 cases:\n{numbered(many)}"
    assert len(many) <= 20, numbered(many)


@pytest.mark.parametrize(("name", "params"), TEAM_PAGES, ids=PAGE_IDS)
def test_advisors_are_refused_every_team_lead_page_and_it_is_logged(advisor_client, advisor, name, params, caplog):
    with caplog.at_level(logging.WARNING, logger="caseflow.security"):
        response = advisor_client.get(reverse(name), params)
    assert response.status_code == 403
    assert f"forbidden user_id={advisor.pk}" in caplog.text


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get(reverse("team_dashboard"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def _figure_links(html: str) -> dict[str, tuple[str, int]]:
    """data-testid="figure-x" links on the dashboard: their href and the number beside them."""
    found = {}
    for match in re.finditer(r'<a href="([^"]+)" data-testid="figure-([\w-]+)">([^<]*)</a>(?::\s*(\d+))?', html):
        href, key, text, after = match.groups()
        number = after if after is not None else text
        found[key] = (href.replace("&amp;", "&"), int(number))
    return found


def test_each_dashboard_figure_links_to_a_queue_of_exactly_those_cases(team_lead_client, advisor):
    demo_cases_seed(count=120, seed=3)
    for case in Case.objects.open()[:5]:
        case.owner = None
        case.save()
    for case in Case.objects.open()[5:8]:  # flagged cases are open cases too
        case.flagged_at, case.flag_reason = timezone.now(), "Ouder niet bereikt"
        case.save()
    html = team_lead_client.get(reverse("team_dashboard")).content.decode()
    links = _figure_links(html)
    assert {"open", "unassigned", "stale", "at-home", "referrals-waiting", "consents-expiring"} <= set(links)
    for key, (href, number) in links.items():
        if not href.startswith(reverse("team_queue")):
            continue
        queue = team_lead_client.get(href).content.decode()
        assert re.search(rf">{number} zaak|>{number} zaken", queue), f"{key}: {href} should list {number} cases"
    assert links["unassigned"][1] == 5
    assert links["open"][1] == Case.objects.open().count()
    flagged = team_lead_client.get(reverse("team_queue"), {"flagged": "on"}).content.decode()
    assert re.search(r">3 zaken", flagged)


def test_the_load_per_advisor_counts_their_open_cases_and_call_backs(team_lead_client, advisor, other_advisor):
    for _ in range(3):
        case_with_call(advisor=advisor)
    case_with_call(advisor=other_advisor)
    loads = {load.advisor: load for load in dashboard_figures()["loads"]}
    assert loads[advisor].open_cases == 3 and loads[other_advisor].open_cases == 1
    table = team_lead_client.get(reverse("team_dashboard")).content.decode().split('data-testid="advisor-loads"')[1]
    assert table.index("Anna") < table.index("Bram")  # busiest first


def test_the_dashboard_lists_the_children_at_home_longest_first_with_weeks_and_owner(team_lead_client, advisor):
    at_home = {}
    for weeks, owner in ((2, advisor), (9, None), (5, advisor)):
        case = CaseFactory(owner=owner)
        case.at_home, case.at_home_since = "yes", timezone.localdate() - timedelta(weeks=weeks, days=1)
        case.save()
        at_home[weeks] = case

    html = team_lead_client.get(reverse("team_dashboard")).content.decode()

    longest = re.search(r"<ol[^>]*>(.*?)</ol>", html, re.S).group(1)
    items = re.findall(r"<li><a href=\"([^\"]+)\">([^<]+)</a>: ([^<]+)</li>", longest)
    assert items == [
        (at_home[9].get_absolute_url(), at_home[9].reference, "9 weken · teamwachtrij"),
        (at_home[5].get_absolute_url(), at_home[5].reference, f"5 weken · {advisor}"),
        (at_home[2].get_absolute_url(), at_home[2].reference, f"2 weken · {advisor}"),
    ]


MONDAY_MORNING = datetime(2026, 11, 2, 8, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))


def test_the_call_back_figures_count_each_advisors_open_overdue_escalated_and_todays(
    time_machine, settings, team_lead_client, advisor, other_advisor
):
    settings.CALLBACK_OVERDUE_MINUTES = 60
    time_machine.move_to(MONDAY_MORNING, tick=False)
    tuesday = MONDAY_MORNING + timedelta(days=1)

    def plan(who, hour: int, minute: int, *, assigned=True, day=MONDAY_MORNING) -> Callback:
        return callback_planned(who, day.replace(hour=hour, minute=minute), assigned_to=who if assigned else None)

    plan(advisor, 10, 0)  # will be overdue and escalated
    plan(advisor, 12, 30)  # later today
    plan(advisor, 10, 0, day=tuesday)
    plan(other_advisor, 10, 15)  # will be overdue and escalated
    plan(advisor, 11, 0, assigned=False)  # the team queue's: overdue, not yet escalated
    done = plan(other_advisor, 10, 30)
    callback_finish(callback=done, by=other_advisor, status=CallbackStatus.DONE)
    time_machine.move_to(MONDAY_MORNING.replace(hour=12), tick=False)
    callbacks_escalate_overdue()

    dashboard = dashboard_figures()

    assert dashboard["callbacks"] == {"total": 5, "escalated": 2, "overdue": 3, "today": 4}
    loads = {load.advisor: load for load in dashboard["loads"]}
    assert (loads[advisor].open_callbacks, loads[advisor].overdue_callbacks) == (3, 1)
    assert (loads[other_advisor].open_callbacks, loads[other_advisor].overdue_callbacks) == (1, 1)
    page = team_lead_client.get(reverse("team_dashboard")).content.decode()
    assert re.search(r'data-testid="figure-overdue">[^<]+</a>: 3<', page)
    row = re.search(rf'<tr><td><a href="/teamleider/zaken/\?owner={advisor.pk}">{advisor}</a></td>(.*?)</tr>', page)
    assert row.group(1) == (
        '<td class="text-end">4</td><td class="text-end">3</td><td class="text-end text-danger fw-semibold">1</td>'
    )  # open cases, open call-backs, overdue (highlighted)


# --- Reassigning -------------------------------------------------------------------------


def test_reassigning_many_cases_writes_history_and_tells_the_new_owner(team_lead_client, team_lead, advisor,
                                                                      other_advisor):  # fmt: skip
    cases = [case_with_call(advisor=advisor) for _ in range(3)]
    response = team_lead_client.post(
        reverse("team_queue"),
        {"overdragen-cases": [c.pk for c in cases[:2]], "overdragen-owner": other_advisor.pk},
        follow=True,
    )
    assert "2 zaken zijn nu bij Bram" in response.content.decode()
    assert set(Case.objects.filter(owner=other_advisor)) == set(cases[:2])
    for case in cases[:2]:
        latest = case.history.first()
        assert latest.owner_id == other_advisor.pk and latest.history_user == team_lead
    assert Notification.objects.filter(recipient=other_advisor, kind="assigned").count() == 2
    # The new owner sees them in their own list.
    bram = signed_in_client(other_advisor)
    mine = bram.get(reverse("intake:my_cases")).content.decode()
    assert cases[0].reference in mine and cases[2].reference not in mine


@pytest.mark.parametrize(
    ("data", "message"),
    [({"overdragen-owner": "none"}, "Vink de zaken aan die je wilt overdragen."), ({}, "Kies wie de zaken overneemt.")],
    ids=["no cases ticked", "no owner chosen"],
)
def test_reassigning_without_cases_or_owner_says_what_is_missing_and_changes_nothing(
    team_lead_client, advisor, data, message
):
    case = case_with_call(advisor=advisor)
    if "overdragen-owner" not in data:
        data = {**data, "overdragen-cases": [case.pk]}
    response = team_lead_client.post(reverse("team_queue"), data, follow=True)
    assert message in response.content.decode()
    case.refresh_from_db()
    assert case.owner == advisor and case.history.count() == case.history.count()


QUEUE_COUNTS = [
    {}, {"status": "all"}, {"status": "closed"}, {"status": "in_progress"}, {"owner": "advisor"}, {"owner": "none"},
    {"at_home": "yes"}, {"flagged": "on"}, {"stale": "on"}, {"stale": "on", "owner": "advisor"},
    {"stale": "on", "status": "all"}, {"stale": "on", "at_home": "at_risk", "flagged": "on"},
    {"status": "all", "owner": "none", "at_home": "no"}, {"age": "older"}, {"stale": "on", "age": "week"},
    {"status": "bogus"},
]  # fmt: skip


@pytest.mark.parametrize("params", QUEUE_COUNTS, ids=[str(params) for params in QUEUE_COUNTS])
def test_the_queue_says_how_many_cases_its_filters_select(team_lead_client, advisor, params):
    """On PostgreSQL most counts come from the tally of cases (caseflow/team/tally.py): each must be
    the number of cases the filters select, as the database counts them."""
    demo_cases_seed(count=80, seed=5)
    cases = list(Case.objects.order_by("id"))
    for case in cases[:6]:
        case.owner = None
        case.save()
    for case in cases[6:12]:
        case.flagged_at, case.flag_reason, case.at_home = timezone.now(), "Ouder niet bereikt", "at_risk"
        case.save()
    query = {key: str(advisor.pk) if value == "advisor" else value for key, value in params.items()}
    expected = QueueFilter(query, queryset=Case.objects.all(), owners=[advisor]).qs.count()

    html = team_lead_client.get(reverse("team_queue"), query).content.decode()

    assert re.search(rf">{expected} zaak|>{expected} zaken", html), f"{params}: the database counts {expected}"


def _cells(row: str) -> list[str]:
    """The text of each cell of a table row, tags left out, spaces collapsed."""
    return [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def test_the_queue_lists_the_cases_of_a_topic_and_says_so_of_an_unknown_one(team_lead_client, advisor):
    demo_cases_seed(count=40, seed=3)
    topic = Topic.objects.annotate(n=Count("cases")).filter(n__gt=0).order_by("-n").first()
    with_topic = set(topic.cases.values_list("reference", flat=True))

    html = team_lead_client.get(reverse("team_queue"), {"topic": topic.pk, "status": "all"}).content.decode()

    assert f'<option value="{topic.pk}" selected>{topic.name}</option>' in html
    assert set(re.findall(r'aria-label="([^"]+)"', html)) & set(Case.objects.values_list("reference", flat=True)) == (
        with_topic
    )
    unknown = team_lead_client.get(reverse("team_queue"), {"topic": "999999"})
    assert unknown.status_code == 200
    assert "Selecteer een geldige keuze" in unknown.content.decode()


def test_a_queue_row_shows_the_case_as_the_team_lead_reads_it(team_lead_client, advisor):
    summary = "Ouder belt over een school die geen passend aanbod heeft en het kind al weken thuis laat zitten"
    case = CaseFactory(owner=advisor, summary=summary)
    case.at_home, case.at_home_since = "yes", timezone.localdate() - timedelta(weeks=3, days=2)
    case.flagged_at, case.flag_reason = timezone.now(), "Ouder <b>niet</b> bereikt"
    case.review_requested_at = timezone.now()
    case.save()
    CaseFactory(owner=None, summary="Kort")

    html = team_lead_client.get(reverse("team_queue"), {"sort": "opened"}).content.decode()
    rows = re.findall(r'<tr data-testid="queue-row">(.*?)</tr>', html, re.S)
    cells = _cells(rows[0])
    opened = timezone.localtime(case.opened_at)
    month = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"][opened.month - 1]
    assert cells[1] == f"{case.reference} gemarkeerd review"
    assert f'href="{case.get_absolute_url()}"' in rows[0]
    assert 'title="Ouder &lt;b&gt;niet&lt;/b&gt; bereikt"' in rows[0]
    assert cells[2:7] == ["Nieuw", str(advisor), f"{opened.day} {month} {opened.year}", "—", "3 weken"]
    assert cells[7] == summary[:79] + "…" and len(cells[7]) == 80
    other = _cells(rows[1])
    assert other[3] == "teamwachtrij" and other[6] == "" and other[7] == "Kort"


def test_reassigning_to_the_team_queue(team_lead_client, advisor):
    case = case_with_call(advisor=advisor)
    team_lead_client.post(reverse("team_queue"), {"overdragen-cases": [case.pk], "overdragen-owner": "none"})
    case.refresh_from_db()
    assert case.owner is None


def test_changing_the_owner_on_the_case_form_also_tells_the_new_owner(advisor_client, advisor, other_advisor):
    case = case_with_call(advisor=advisor)
    advisor_client.post(
        reverse("case_edit", args=[case.reference]),
        {"version": case.version, "summary": "s", "owner": other_advisor.pk},
    )
    assert Notification.objects.filter(recipient=other_advisor, kind="assigned", case=case).count() == 1


# --- Reviews -----------------------------------------------------------------------------------


def test_an_advisor_asks_for_review_and_a_team_lead_answers(advisor_client, advisor, team_lead_client, team_lead):
    case = case_with_call(advisor=advisor)
    advisor_client.post(reverse("review_request", args=[case.reference]), {"question": "Klopt de verwijzing?"})
    assert Notification.objects.filter(recipient=team_lead, kind="review_requested", case=case).exists()
    queue = team_lead_client.get(reverse("team_reviews")).content.decode()
    assert "Klopt de verwijzing?" in queue and case.reference in queue

    team_lead_client.post(reverse("review_done", args=[case.reference]), {"comment": "Ja, goed zo.", "next": "reviews"})
    case.refresh_from_db()
    assert case.reviewed_by == team_lead and case.review_requested_at is None
    assert Notification.objects.filter(recipient=advisor, kind="reviewed", case=case).exists()
    assert (
        "Klopt de verwijzing?"
        not in team_lead_client.get(reverse("team_reviews")).content.decode().split("Onlangs beoordeeld")[0]
    )
    assert "Ja, goed zo." in advisor_client.get(case.get_absolute_url()).content.decode()


def test_asking_for_review_without_a_question_is_refused_in_dutch(advisor_client, advisor):
    case = case_with_call(advisor=advisor)
    response = advisor_client.post(reverse("review_request", args=[case.reference]), {"question": " "}, follow=True)
    assert "Schrijf op waar de teamleider naar moet kijken." in response.content.decode()
    case.refresh_from_db()
    assert case.review_requested_at is None


def test_an_advisor_cannot_mark_a_case_reviewed(advisor_client, advisor):
    case = case_with_call(advisor=advisor)
    response = advisor_client.post(reverse("review_done", args=[case.reference]), {"comment": "zelf gedaan"})
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.reviewed_at is None


# --- Figures ----------------------------------------------------------------------------------


def test_the_figures_page_draws_each_series_as_svg(team_lead_client, advisor):
    case_with_call(advisor=advisor)
    html = team_lead_client.get(reverse("team_figures")).content.decode()
    for key in ("calls-per-week", "topics", "referrals-per-loket", "first-callback", "callbacks-on-time"):
        assert f'data-testid="chart-{key}"' in html
    assert "<svg" in html and "<script" not in html.split("<main")[1]


def test_a_csv_export_has_the_rows_of_the_chart_and_is_logged(team_lead_client, team_lead, advisor):
    case_with_call(advisor=advisor)
    case_with_call(advisor=advisor)
    response = team_lead_client.get(reverse("team_figures_csv", args=["calls-per-week"]), {"weken": "4"})
    assert response["Content-Type"].startswith("text/csv")
    rows = response.content.decode().strip().splitlines()
    assert rows[0] == "periode of groep,gesprekken"
    assert sum(int(row.split(",")[1]) for row in rows[1:]) == 2
    entry = AccessLog.objects.get()
    assert entry.user == team_lead and entry.action == "export" and entry.what == "figures:calls-per-week:4w"


def test_an_unknown_series_is_404_and_not_logged(team_lead_client):
    assert team_lead_client.get(reverse("team_figures_csv", args=["nothing"])).status_code == 404
    assert not AccessLog.objects.exists()


def test_the_access_log_refuses_changes(team_lead):
    entry = AccessLog.objects.create(user=team_lead, action="export", what="x")
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()


@pytest.mark.parametrize("sort", ["-contact", "contact", "opened", "-opened"])
def test_the_queue_pages_neither_repeat_nor_skip_cases_that_share_a_date(team_lead_client, advisor, sort):
    """Sixty cases opened and last contacted at the same moment, over two pages of fifty."""
    same = timezone.now() - timedelta(days=3)
    cases = [CaseFactory(owner=advisor) for _ in range(60)]
    for case in cases:
        case.opened_at = case.last_contact_at = same
    bulk_update_tracked(cases, Case, ["opened_at", "last_contact_at"])

    def listed(page: int) -> list[str]:
        html = team_lead_client.get(reverse("team_queue"), {"sort": sort, "pagina": page}).content.decode()
        return re.findall(r'aria-label="(OO-\d{4}-\d+)"', html)

    first, second = listed(1), listed(2)
    assert len(first) == 50 and len(second) == 10
    assert sorted(first + second) == sorted(case.reference for case in cases)
