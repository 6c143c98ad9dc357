"""The advisor's call-back pages, posted as the browser posts them: planning one from the
case page in a slot of the grid, the refusals, "my call-backs today", the outcomes
(done, not reached and the next attempt, moved), the flag for the team lead after the
last attempt, who may finish a call-back, the load per slot, the notification badge,
constant queries on the lists, and two advisors finishing one call-back at once.

The clock stands on Thursday 25 March 2027, 08:30 in Amsterdam: before the office opens,
the day before Good Friday, with Easter Monday and the change to summer time (Sunday
28 March) ahead, so the slot grid runs Thursday, Tuesday 30, Wednesday, Thursday, Friday.
"""

from __future__ import annotations

import itertools
import re
import threading
import time
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from caseflow.accounts import roles
from caseflow.callbacks.models import Callback, CallbackStatus
from caseflow.callbacks.reminders import callbacks_remind_due
from caseflow.callbacks.services import callback_finish
from caseflow.cases.models import Case, CaseStatus
from caseflow.cases.services import case_close, case_update
from caseflow.lib.history import bulk_create_tracked
from caseflow.notifications.models import Notification, NotificationKind
from tests.factories import CaseFactory, UserFactory, callback_planned, case_with_call
from tests.signin import signed_in_client

AMSTERDAM = timezone.get_default_timezone()
CLOCK = datetime(2027, 3, 25, 8, 30, tzinfo=AMSTERDAM)
TODAY = "/terugbellen/"


@pytest.fixture(autouse=True)
def clock():
    """Autouse, so that it runs before the signed-in clients: their sessions start on this clock."""
    with time_machine.travel(CLOCK, tick=True) as traveller:
        yield traveller


def at(day: int, hhmm: str, month: int = 3) -> datetime:
    hour, minute = map(int, hhmm.split(":"))
    return datetime(2027, month, day, hour, minute, tzinfo=AMSTERDAM)


def slot(day: int, hhmm: str, month: int = 3) -> str:
    """The value of the slot's radio button: local time."""
    return f"2027-{month:02}-{day:02}T{hhmm}"


def plan(case, by, due_at, *, assigned_to="by", subject="Uitslag gesprek met school", previous=None) -> Callback:
    assignee = by if assigned_to == "by" else assigned_to
    return callback_planned(by, due_at, assigned_to=assignee, case=case, subject=subject, previous=previous)


def plan_url(case) -> str:
    return reverse("callback_plan", args=[case.reference])


def finish_url(callback) -> str:
    return reverse("callback_finish", args=[callback.pk])


def form(assigned_to, when: str | None, **changes) -> dict:
    data = {"assigned_to": assigned_to.pk if assigned_to else "", "window": "15", "phone": "06 12345678",
            "subject": "Uitslag gesprek met school"}  # fmt: skip
    if when is not None:
        data["slot"] = when
    return {**data, **changes}


def section(html: str, testid: str) -> str:
    """The list with that data-testid, up to its closing </ul>."""
    start = html.index(f'data-testid="{testid}"')
    return html[start : html.index("</ul>", start)]


def badge(client) -> str:
    """What the menu's notification badge says: the unread count, or "" when there is nothing."""
    html = client.get(reverse("notification_badge")).content.decode()
    found = re.search(r'data-testid="notification-count">(\d+)<', html)
    return found.group(1) if found else ""


# --- Planning from the case page -------------------------------------------------------------


def test_an_advisor_plans_a_call_back_from_the_case_page(advisor_client, advisor):
    case = case_with_call(advisor, phone="+31687654321")
    assert case.status == CaseStatus.NEW
    page = advisor_client.get(case.get_absolute_url()).content.decode()
    assert f'href="{plan_url(case)}" data-testid="plan-callback"' in page

    form_page = advisor_client.get(plan_url(case)).content.decode()
    assert 'value="06 87654321"' in form_page  # the caller's number, as dialled here
    assert f'<option value="{advisor.pk}" selected>' in form_page  # the advisor calls back themselves
    # The first free slot is chosen; Good Friday and Easter Monday are not offered.
    assert re.search(r'value="2027-03-25T10:00"\s*checked', form_page)
    assert "do 25 mrt" in form_page and "di 30 mrt" in form_page
    assert "vr 26 mrt" not in form_page and "ma 29 mrt" not in form_page

    # After the change to summer time: 10:30 on the wall clock is 08:30 UTC.
    response = advisor_client.post(plan_url(case), form(advisor, slot(30, "10:30"), window="30"))
    assert response.status_code == 302 and response.url == case.get_absolute_url()

    callback = Callback.objects.get(case=case)
    assert callback.due_at == datetime(2027, 3, 30, 8, 30, tzinfo=UTC)
    assert callback.window_ends_at == datetime(2027, 3, 30, 9, 0, tzinfo=UTC)
    with connection.cursor() as cursor:  # what the database holds: UTC
        cursor.execute("SELECT due_at FROM caseflow_callback WHERE id = %s", [callback.pk])
        assert str(cursor.fetchone()[0]).startswith("2027-03-30 08:30:00")
    assert (callback.assigned_to, callback.planned_by, callback.attempt) == (advisor, advisor, 1)
    assert callback.previous is None
    assert (callback.phone, callback.subject, callback.status) == ("+31612345678", "Uitslag gesprek met school",
                                                                   CallbackStatus.PLANNED)  # fmt: skip
    assert callback.history.get().history_user == advisor

    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_CALLBACK
    newest = case.history.first()
    assert (newest.status, newest.history_user) == (CaseStatus.AWAITING_CALLBACK, advisor)

    shown = advisor_client.get(case.get_absolute_url()).content.decode()
    card = shown[shown.index('data-testid="case-callbacks"') :]
    assert "di 30 mrt 10:30" in card and "Uitslag gesprek met school" in card
    assert "Wacht op terugbellen" in shown


def test_the_plan_page_says_it_was_planned(advisor_client, advisor):
    case = case_with_call(advisor)
    response = advisor_client.post(plan_url(case), form(advisor, slot(25, "11:00")), follow=True)
    html = response.content.decode()
    assert "Het terugbelverzoek is ingepland." in html
    assert "do 25 mrt 11:00" in html


def test_a_call_back_for_the_team_queue_is_planned_without_an_advisor(advisor_client, advisor):
    case = case_with_call(advisor)
    advisor_client.post(plan_url(case), form(None, slot(25, "10:00")))
    callback = Callback.objects.get(case=case)
    assert callback.assigned_to is None and callback.planned_by == advisor


def _full(case, advisor):
    other_case = case_with_call(advisor)
    plan(other_case, advisor, at(25, "10:00"))
    plan(other_case, advisor, at(25, "10:00"), subject="Nog een")


def _closed(case, advisor):
    case_close(case=case, expected_version=case.version, by=advisor, reason="answered")


@pytest.mark.parametrize(
    ("when", "changes", "prepare", "message"),
    [
        (None, {}, None, "Kies een tijd om terug te bellen."),
        (slot(25, "10:07"), {}, None, "Kies een van de aangeboden tijden."),
        ("morgen om 10", {}, None, "Kies een van de aangeboden tijden."),
        (slot(25, "19:00"), {}, None, "De advieslijn belt terug tussen 10:00 en 13:00. Kies een tijd daartussen."),
        (slot(27, "10:00"), {}, None, "zaterdag 27 maart is geen werkdag van de advieslijn. Kies een andere dag."),
        (slot(26, "10:00"), {}, None, "vrijdag 26 maart is een feestdag (Goede vrijdag). Kies een andere dag."),
        (slot(27, "10:00", month=4), {}, None,
         "dinsdag 27 april is een feestdag (Koningsdag). Kies een andere dag."),
        (slot(24, "10:00"), {}, None, "Deze tijd is al voorbij. Kies een tijd vanaf nu."),
        (slot(25, "10:00"), {}, _full, "heeft om 10:00 al 2 terugbelverzoeken. Kies een andere tijd."),
        (slot(25, "10:00"), {}, _closed, "Deze zaak is gesloten; heropen de zaak om terugbellen te plannen."),
        (slot(25, "10:00"), {"subject": " "}, None, "Schrijf op waar het terugbelgesprek over gaat."),
        (slot(25, "10:00"), {"phone": "12"}, None, "Dit is geen geldig telefoonnummer: er ontbreken cijfers."),
    ],
    ids=["no slot", "not on the grid", "free text", "evening", "saturday", "good friday", "kings day", "past",
         "full slot", "closed case", "no subject", "bad phone"],
)  # fmt: skip
def test_a_refused_plan_says_why_in_dutch_and_writes_nothing(advisor_client, advisor, when, changes, prepare,
                                                             message):  # fmt: skip
    case = case_with_call(advisor)
    if prepare:
        prepare(case, advisor)
    case.refresh_from_db()
    before = (Callback.objects.count(), Callback.history.count(), case.status, case.history.count())

    response = advisor_client.post(plan_url(case), form(advisor, when, **changes))

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'data-testid="callback-form"' in html  # the form again, to choose anew
    case.refresh_from_db()
    assert (Callback.objects.count(), Callback.history.count(), case.status, case.history.count()) == before


def _slot_error(html: str) -> str:
    found = re.search(r'data-testid="slot-error">(.*?)</div>', html, re.S)
    return found.group(1) if found else ""


@pytest.mark.parametrize(
    ("prepare", "message", "at_the_grid"),
    [
        (_full, "heeft om 10:00 al 2 terugbelverzoeken", True),
        (_closed, "Deze zaak is gesloten", False),
    ],
    ids=["full slot: at the grid", "closed case: above the form"],
)
def test_a_refusal_shows_where_it_belongs_and_a_full_slot_is_not_left_chosen(advisor_client, advisor, prepare,
                                                                               message, at_the_grid):  # fmt: skip
    case = case_with_call(advisor)
    prepare(case, advisor)

    html = advisor_client.post(plan_url(case), form(advisor, slot(25, "10:00"))).content.decode()

    assert (message in _slot_error(html)) is at_the_grid
    assert message in html
    # A full slot is disabled and not shown as chosen (a disabled choice is never sent); a free one stays chosen.
    radio = re.search(r'<input[^>]*value="2027-03-25T10:00"[^>]*>', html).group(0)
    assert ("disabled" in radio, "checked" in radio) == ((True, False) if prepare is _full else (False, True))


# --- My call-backs today ---------------------------------------------------------------------------


def test_my_call_backs_today_lists_mine_and_the_team_queue_in_time_order_with_the_key_facts(
    advisor_client, advisor, other_advisor
):
    at_home = case_with_call(advisor, at_home="yes", at_home_since=date(2027, 1, 4))
    later_today, earlier_today, colleagues, team_queue, tomorrow = (case_with_call(advisor) for _ in range(5))
    case_update(case=at_home, expected_version=at_home.version, by=advisor, topics=[], owner=advisor,
                         summary="Zit thuis sinds de kerstvakantie")  # fmt: skip
    plan(later_today, advisor, at(25, "11:00"), subject="Over het OPP")
    plan(earlier_today, advisor, at(25, "10:15"), subject="Toelating voortgezet onderwijs")
    plan(at_home, advisor, at(25, "12:30"), subject="Thuiszitten bespreken")
    plan(colleagues, other_advisor, at(25, "10:00"), subject="Van Bram")
    plan(team_queue, advisor, at(25, "10:45"), assigned_to=None, subject="Voor wie tijd heeft")
    plan(tomorrow, advisor, at(30, "10:00"), subject="Na Pasen")
    yesterday = at(24, "11:00")  # still open from yesterday: first, and overdue
    overdue_case = case_with_call(advisor)
    bulk_create_tracked([Callback(case=overdue_case, assigned_to=advisor, planned_by=advisor, due_at=yesterday,
                                  window_ends_at=yesterday + timedelta(minutes=15), subject="Gisteren vergeten",
                                  status=CallbackStatus.REMINDED)], Callback, default_user=advisor)  # fmt: skip

    html = advisor_client.get(reverse("callbacks_today")).content.decode()
    mine, queue = section(html, "my-callbacks"), section(html, "team-queue")

    order = [overdue_case, earlier_today, later_today, at_home]
    positions = [mine.index(case.reference) for case in order]
    assert positions == sorted(positions), "mine, in time order"
    for absent in (colleagues, team_queue, tomorrow):
        assert absent.reference not in mine
    assert team_queue.reference in queue and "Voor wie tijd heeft" in queue
    assert colleagues.reference not in html and "Van Bram" not in html
    assert "Na vandaag staat er nog 1 terugbelverzoek voor je gepland." in html

    row = mine[mine.index(f'data-callback="{Callback.objects.get(case=at_home).pk}"') :]
    assert "12:30–12:45" in row and "Thuiszitten bespreken" in row and "poging 1 van 3" in row
    assert "11 weken thuis" in row and "Zit thuis sinds de kerstvakantie" in row
    assert 'href="tel:+31612345678"' in row and "06 12345678" in row
    overdue_row = mine[: mine.index("Gisteren vergeten")]
    assert "te laat" in overdue_row and "wo 24 mrt" in overdue_row and "11:00–11:15" in overdue_row


def test_marking_a_call_back_done_from_the_list(advisor_client, advisor):
    case = case_with_call(advisor)
    callback = plan(case, advisor, at(25, "10:00"))
    response = advisor_client.post(finish_url(callback), {"status": "done", "note": " Moeder gesproken ",
                                                          "next": TODAY}, follow=True)  # fmt: skip
    assert response.redirect_chain == [(TODAY, 302)]
    html = response.content.decode()
    assert "Opgeslagen: Afgerond." in html
    assert case.reference not in section(html, "my-callbacks")
    finished = section(html, "finished-callbacks")
    assert case.reference in finished and "Moeder gesproken" in finished

    callback.refresh_from_db()
    assert (callback.status, callback.outcome_note, callback.finished_by) == ("done", "Moeder gesproken", advisor)
    assert callback.history.first().history_user == advisor
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS  # nothing left to call back


def test_an_outcome_that_is_not_one_of_the_buttons_is_refused(advisor_client, advisor):
    callback = plan(case_with_call(advisor), advisor, at(25, "10:00"))
    response = advisor_client.post(finish_url(callback), {"status": "planned", "next": TODAY}, follow=True)
    assert "Kies hoe het terugbellen ging." in response.content.decode()
    callback.refresh_from_db()
    assert callback.status == CallbackStatus.PLANNED


def test_moving_a_call_back_from_the_list_reminds_again_at_the_new_time(clock, advisor):
    case = case_with_call(advisor)
    callback = plan(case, advisor, at(25, "10:00"))
    clock.move_to(at(25, "09:55"))
    assert callbacks_remind_due() == 1
    advisor_client = signed_in_client(advisor)
    callback.refresh_from_db()
    assert callback.status == CallbackStatus.REMINDED

    move = reverse("callback_reschedule", args=[callback.pk])
    html = advisor_client.get(move, {"next": TODAY}).content.decode()
    assert 'data-testid="slot-grid"' in html and "donderdag 25 maart 10:00" in html  # where it is now
    response = advisor_client.post(move, {"slot": slot(25, "12:00"), "window": "30", "next": TODAY}, follow=True)
    assert response.redirect_chain == [(TODAY, 302)]
    assert "Het terugbelverzoek is verzet." in response.content.decode()

    callback.refresh_from_db()
    assert callback.due_at == at(25, "12:00") and callback.window_ends_at == at(25, "12:30")
    assert (callback.status, callback.reminded_at) == (CallbackStatus.PLANNED, None)
    assert callback.history.first().history_user == advisor
    assert callbacks_remind_due(now=at(25, "11:55")) == 1
    assert Notification.objects.filter(recipient=advisor, callback=callback, kind="reminder").count() == 2


def test_moving_a_call_back_to_a_full_or_closed_time_is_refused(advisor_client, advisor):
    callback = plan(case_with_call(advisor), advisor, at(25, "10:00"))
    busy = case_with_call(advisor)
    plan(busy, advisor, at(25, "11:00"))
    plan(busy, advisor, at(25, "11:00"), subject="Tweede")
    move = reverse("callback_reschedule", args=[callback.pk])
    for when, message in [(slot(25, "11:00"), "heeft om 11:00 al 2 terugbelverzoeken"),
                          (slot(26, "11:00"), "is een feestdag (Goede vrijdag)")]:  # fmt: skip
        response = advisor_client.post(move, {"slot": when, "window": "15", "next": TODAY})
        assert response.status_code == 200 and message in response.content.decode()
    callback.refresh_from_db()
    assert callback.due_at == at(25, "10:00")


# --- Not reached, the next attempt, and the flag after the last one ------------------------------


def test_not_reached_offers_the_next_attempt_and_after_three_the_team_leads_decide(
    advisor_client, advisor, team_lead, team_lead_client
):
    case = case_with_call(advisor)
    first = plan(case, advisor, at(25, "10:00"))

    response = advisor_client.post(finish_url(first), {"status": "not_reached", "note": "Voicemail ingesproken",
                                                       "next": TODAY})  # fmt: skip
    assert response.url == f"{plan_url(case)}?na={first.pk}"
    offer = advisor_client.get(response.url).content.decode()
    assert "Niet bereikt. Plan poging 2." in offer
    assert "Poging 2 van 3 plannen" in offer
    assert "De ouder is op donderdag 25 maart 10:00 niet bereikt." in offer and "Voicemail ingesproken" in offer
    assert f'name="previous" value="{first.pk}"' in offer
    assert "Uitslag gesprek met school</textarea>" in offer  # what to discuss, carried over
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS
    # Not planned yet: the list offers it too.
    finished = section(advisor_client.get(TODAY).content.decode(), "finished-callbacks")
    assert f'href="{plan_url(case)}?na={first.pk}"' in finished and "Plan poging 2" in finished

    advisor_client.post(plan_url(case), form(advisor, slot(25, "10:30"), previous=first.pk))
    second = Callback.objects.get(previous=first)
    assert (second.attempt, second.case, second.due_at) == (2, case, at(25, "10:30"))
    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_CALLBACK
    # The next attempt is planned once.
    again = advisor_client.post(plan_url(case), form(advisor, slot(25, "11:30"), previous=first.pk))
    assert "De volgende poging is al ingepland." in again.content.decode()
    # Only a call-back that did not reach the parent has a next attempt.
    early = advisor_client.post(plan_url(case), form(advisor, slot(25, "11:30"), previous=second.pk))
    assert "Een volgende poging volgt alleen op terugbellen waarbij de ouder niet bereikt is." in early.content.decode()
    assert case.callbacks.count() == 2

    advisor_client.post(finish_url(second), {"status": "not_reached", "next": TODAY})
    advisor_client.post(plan_url(case), form(advisor, slot(25, "11:00"), previous=second.pk))
    third = Callback.objects.get(previous=second)
    assert third.attempt == 3
    assert not Notification.objects.filter(kind=NotificationKind.ATTEMPTS_EXHAUSTED).exists()

    response = advisor_client.post(finish_url(third), {"status": "not_reached", "next": TODAY}, follow=True)
    assert response.redirect_chain == [(TODAY, 302)]
    html = response.content.decode()
    assert "De ouder is in 3 pogingen niet bereikt. De zaak is gemarkeerd voor de teamleider." in html
    assert "Plan poging 4" not in html
    case.refresh_from_db()
    assert case.flagged_at is not None and case.flag_reason == "Ouder niet bereikt in 3 terugbelpogingen."
    assert case.status == CaseStatus.IN_PROGRESS  # no call-back waits any more; the flag asks the team lead
    assert case.history.first().history_user == advisor
    told = Notification.objects.get(kind=NotificationKind.ATTEMPTS_EXHAUSTED)
    assert (told.recipient, told.case, told.callback) == (team_lead, case, third)
    assert badge(team_lead_client) == "1" and badge(advisor_client) == ""
    flagged = section(team_lead_client.get(reverse("callbacks_overdue")).content.decode(), "flagged-cases")
    assert case.reference in flagged and "Ouder niet bereikt in 3 terugbelpogingen." in flagged

    # A fourth attempt is the team lead's decision, not the form's.
    fourth = advisor_client.post(plan_url(case), form(advisor, slot(25, "12:00"), previous=third.pk))
    assert fourth.status_code == 200
    assert "De ouder is in 3 pogingen niet bereikt; de teamleider beslist wat er nu gebeurt." in fourth.content.decode()
    assert case.callbacks.count() == 3 and not Callback.objects.filter(previous=third).exists()


# --- Who may finish a call-back ------------------------------------------------------------------


def test_a_colleague_may_finish_my_call_back_and_then_i_am_told_who_did(advisor_client, advisor, other_advisor,
                                                                        other_advisor_client):  # fmt: skip
    """All advisors work on all cases (caseflow.access): a colleague who reaches the parent records it."""
    callback = plan(case_with_call(advisor), advisor, at(25, "10:00"))
    other_advisor_client.post(finish_url(callback), {"status": "done", "next": TODAY})
    callback.refresh_from_db()
    assert (callback.status, callback.finished_by) == (CallbackStatus.DONE, other_advisor)

    response = advisor_client.post(finish_url(callback), {"status": "not_reached", "next": TODAY}, follow=True)
    html = response.content.decode()
    assert f"{other_advisor} heeft dit terugbelverzoek om " in html and " al op “Afgerond” gezet." in html
    callback.refresh_from_db()
    assert (callback.status, callback.finished_by) == (CallbackStatus.DONE, other_advisor)
    assert not Callback.objects.filter(previous=callback).exists()


def test_anonymous_visitors_and_administrators_cannot_finish_or_move_a_call_back(client, administrator_client,
                                                                                advisor):  # fmt: skip
    callback = plan(case_with_call(advisor), advisor, at(25, "10:00"))
    move = reverse("callback_reschedule", args=[callback.pk])
    for url, data in [(finish_url(callback), {"status": "done"}), (move, {"slot": slot(25, "11:00"), "window": "15"})]:
        response = client.post(url, data)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
        assert administrator_client.post(url, data).status_code == 403
    for name in ("callbacks_today", "notifications", "notification_badge"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    response = client.get(plan_url(callback.case))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    callback.refresh_from_db()
    assert (callback.status, callback.due_at, callback.history.count()) == (CallbackStatus.PLANNED, at(25, "10:00"), 1)


def test_an_unknown_call_back_is_not_found(advisor_client, advisor):
    assert advisor_client.post(reverse("callback_finish", args=[999999]), {"status": "done"}).status_code == 404


# --- The load per slot ---------------------------------------------------------------------------------


def cell(html: str, value: str) -> tuple[str, bool]:
    """The load shown in a slot's cell, and whether it can be chosen."""
    found = re.search(rf'value="{value}"([^>]*)>\s*<span>([^<]*)</span>', html)
    assert found, f"no slot {value}"
    return found.group(2).strip(), "disabled" not in found.group(1)


def test_the_load_per_slot_is_shown_when_choosing_and_full_slots_cannot_be_chosen(
    advisor_client, advisor, other_advisor
):
    case = case_with_call(advisor)
    plan(case, advisor, at(25, "10:00"))
    plan(case, other_advisor, at(25, "10:00"))
    plan(case, advisor, at(25, "10:00"), assigned_to=None)
    plan(case, advisor, at(25, "10:15"))
    plan(case, advisor, at(25, "10:15"))
    plan(case, other_advisor, at(30, "11:00"))

    mine = advisor_client.get(plan_url(case)).content.decode()
    assert "Per tijdvak: terugbelverzoeken van " in mine and "Volle tijdvakken kun je niet kiezen." in mine
    assert cell(mine, slot(25, "10:00")) == ("1 · 3", True)
    assert cell(mine, slot(25, "10:15")) == ("2 · 2", False)  # Anna's two: full
    assert cell(mine, slot(30, "11:00")) == ("0 · 1", True)
    assert cell(mine, slot(25, "10:30")) == ("0 · 0", True)
    assert re.search(r'value="2027-03-25T10:00"\s*checked', mine)  # the first free one

    # Choosing Bram in the form asks the grid again (htmx).
    grid = advisor_client.get(reverse("callback_slots"), {"assigned_to": other_advisor.pk}).content.decode()
    assert cell(grid, slot(25, "10:00")) == ("1 · 3", True)
    assert cell(grid, slot(25, "10:15")) == ("0 · 2", True)
    assert cell(grid, slot(30, "11:00")) == ("1 · 1", True)
    team = advisor_client.get(reverse("callback_slots"), {"assigned_to": ""}).content.decode()
    assert "Per tijdvak: terugbelverzoeken van het hele team." in team
    assert cell(team, slot(25, "10:00")) == ("3", True)
    # Later days: from the Monday before King's Day, which is not offered.
    later = advisor_client.get(reverse("callback_slots"), {"vanaf": "2027-04-26"}).content.decode()
    assert "ma 26 apr" in later and "wo 28 apr" in later and "di 27 apr" not in later


# --- Notifications -------------------------------------------------------------------------------------


def test_a_reminder_shows_in_the_badge_and_reading_it_clears_it(advisor_client, advisor, team_lead,
                                                                team_lead_client):  # fmt: skip
    case = case_with_call(advisor)
    mine = plan(case, advisor, at(25, "10:00"))
    plan(case, advisor, at(25, "10:30"), assigned_to=None)  # the team queue's: the team leads are reminded
    assert badge(advisor_client) == ""

    assert callbacks_remind_due(now=at(25, "09:49")) == 0  # more than ten minutes ahead
    assert callbacks_remind_due(now=at(25, "09:50")) == 1
    assert callbacks_remind_due(now=at(25, "09:51")) == 0  # once
    assert badge(advisor_client) == "1" and badge(team_lead_client) == ""
    callbacks_remind_due(now=at(25, "10:20"))
    assert badge(advisor_client) == "1" and badge(team_lead_client) == "1"

    inbox = advisor_client.get(reverse("notifications")).content.decode()
    entry = section(inbox, "notifications")
    assert f"Herinnering terugbellen: {case.reference}" in entry
    assert "gepland donderdag 25 maart 10:00" in entry and "fw-semibold" in entry  # unread

    advisor_client.post(reverse("notifications_read"))
    assert badge(advisor_client) == "" and badge(team_lead_client) == "1"
    assert "fw-semibold" not in section(advisor_client.get(reverse("notifications")).content.decode(), "notifications")

    # Opening one from the inbox marks only that one read and goes to today's call-backs.
    notification = Notification.objects.get(recipient=team_lead)
    response = team_lead_client.get(reverse("notification_open", args=[notification.pk]))
    assert response.status_code == 302 and response.url == TODAY
    assert badge(team_lead_client) == ""
    # Someone else's notification is not there to open.
    other = Notification.objects.get(recipient=advisor, callback=mine)
    assert team_lead_client.get(reverse("notification_open", args=[other.pk])).status_code == 404


# --- Queries: the lists cost the same at a few rows and at many -------------------------------------------


def _queries(client, name: str) -> list[str]:
    # With the clock standing still after a first request, the session's activity time is not written
    # during the counted one (it is, once a minute): the count is the page's own.
    with time_machine.travel(timezone.now(), tick=False):
        client.get(reverse(name))
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse(name))
    assert response.status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def _numbered(sql: list[str]) -> str:
    return "\n".join(f"{number:3}. {query}" for number, query in enumerate(sql, 1))


def _rows_for_today(advisor, other_advisor, count: int) -> None:
    """`count` call-backs of each kind the list shows (mine, team queue, finished by me) and others' rows."""
    cases = [CaseFactory(owner=advisor) for _ in range(max(count // 4, 1))]
    now = timezone.now()
    rows = []
    for n in range(count):
        due = at(25, "10:00") + timedelta(minutes=15 * (n % 12))
        case = cases[n % len(cases)]
        common = {"case": case, "planned_by": advisor, "due_at": due, "window_ends_at": due + timedelta(minutes=15),
                  "subject": f"Terugbellen {n}", "phone": "+31612345678"}  # fmt: skip
        rows += [
            Callback(assigned_to=advisor, **common),
            Callback(assigned_to=None, **common),
            Callback(assigned_to=other_advisor, **common),
            Callback(assigned_to=advisor, status=CallbackStatus.NOT_REACHED, finished_by=advisor, finished_at=now,
                     **common),
            Callback(assigned_to=advisor, **{**common, "due_at": due + timedelta(days=6),
                                             "window_ends_at": due + timedelta(days=6, minutes=15)}),
        ]  # fmt: skip
    bulk_create_tracked(rows, Callback, default_user=advisor)


_keys = itertools.count()


def _notifications_for(user, cases, count: int) -> None:
    callbacks_ = list(Callback.objects.filter(case__in=cases)[:count])
    Notification.objects.bulk_create(
        [Notification(recipient=user, key=f"test:{next(_keys)}", kind=kind, case=cases[n % len(cases)],
                      callback=callbacks_[n % len(callbacks_)] if kind == "reminder" else None,
                      read_at=None if n % 2 else timezone.now())
         for n in range(count) for kind in ["reminder" if n % 3 else "assigned"]]
    )  # fmt: skip


@pytest.mark.parametrize("name", ["callbacks_today", "notifications"])
def test_the_lists_run_the_same_queries_at_a_few_rows_and_at_many(advisor_client, advisor, other_advisor, name):
    _rows_for_today(advisor, other_advisor, 2)
    _notifications_for(advisor, list(Case.objects.all()), 2)
    few = _queries(advisor_client, name)
    badge_few = _queries(advisor_client, "notification_badge")

    _rows_for_today(advisor, other_advisor, 60)
    _notifications_for(advisor, list(Case.objects.all()), 80)
    assert Callback.objects.filter(assigned_to=advisor).count() > 150
    many = _queries(advisor_client, name)

    assert len(few) == len(many), f"-- a few rows:\n{_numbered(few)}\n-- many rows:\n{_numbered(many)}"
    assert len(many) <= 12, _numbered(many)
    assert len(_queries(advisor_client, "notification_badge")) == len(badge_few) <= 6


# --- Finished today, on the days the clock changes -------------------------------------------------------


@pytest.mark.parametrize(
    ("finished", "looked"),
    [(datetime(2027, 10, 31, 0, 30, tzinfo=AMSTERDAM), datetime(2027, 10, 31, 12, 0, tzinfo=AMSTERDAM)),
     (datetime(2027, 3, 28, 0, 30, tzinfo=AMSTERDAM), datetime(2027, 3, 28, 23, 30, tzinfo=AMSTERDAM))],
    ids=["25-hour day", "23-hour day"],
)  # fmt: skip
def test_finished_today_is_the_local_day_also_when_the_clock_changes(advisor, finished, looked):
    done = plan(case_with_call(advisor), advisor, at(25, "10:00"))
    late = plan(case_with_call(advisor), advisor, at(25, "10:15"))
    with time_machine.travel(finished - timedelta(hours=1), tick=False):  # the evening before
        callback_finish(callback=late, by=advisor, status="done")
    with time_machine.travel(finished, tick=False):
        callback_finish(callback=done, by=advisor, status="done")
    with time_machine.travel(looked, tick=False):
        html = signed_in_client(advisor).get(reverse("callbacks_today")).content.decode()
    finished_today = section(html, "finished-callbacks")
    assert done.case.reference in finished_today
    assert late.case.reference not in finished_today


# --- Two advisors at the same moment (PostgreSQL row locks) -----------------------------------------------


def _waiting_for_a_lock() -> int:
    """How many connections to the test database wait for a lock (seen afresh, also inside a transaction)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


@pytest.mark.postgres
def test_two_advisors_finishing_one_call_back_at_once_record_one_outcome(transactional_db):
    anna = UserFactory(username="anna-race", first_name="Anna", last_name="Smit", role=roles.ADVISOR)
    bram = UserFactory(username="bram-race", first_name="Bram", last_name="Kok", role=roles.ADVISOR)
    case = case_with_call(anna)
    callback = plan(case, anna, at(25, "10:00"))
    clients = {anna: signed_in_client(anna), bram: signed_in_client(bram)}
    choices = {anna: ("done", "Moeder gesproken"), bram: ("not_reached", "Geen gehoor")}
    responses = {}

    def finish(user):
        try:
            status, note = choices[user]
            responses[user] = clients[user].post(finish_url(callback), {"status": status, "note": note,
                                                                        "next": TODAY}, follow=True)  # fmt: skip
        except Exception as error:  # noqa: BLE001 - the outcome is what the test looks at
            responses[user] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=finish, args=(user,)) for user in (anna, bram)]
    # Hold the case row while both requests start: they both reach the lock, then go one by one.
    with transaction.atomic():
        Case.objects.select_for_update().get(pk=case.pk)
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 20
        while (waiting := _waiting_for_a_lock()) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a request hung"
    assert waiting == 2, "both requests should have been waiting for the case at the same time"

    callback.refresh_from_db()
    winner = callback.finished_by
    loser = bram if winner == anna else anna
    assert (callback.status, callback.outcome_note) == choices[winner]
    won = responses[winner].content.decode()
    assert ("Opgeslagen: Afgerond." if winner == anna else "Niet bereikt. Plan poging 2.") in won
    refused = responses[loser].content.decode()
    label = {"done": "Afgerond", "not_reached": "Niet bereikt"}[choices[winner][0]]
    assert f"{winner} heeft dit terugbelverzoek om " in refused and f"al op “{label}” gezet." in refused
    # Nothing lost, nothing twice: one finishing change in the history, the winner's.
    finishing = [row for row in Callback.history.filter(id=callback.pk) if row.finished_at is not None]
    assert [(row.status, row.history_user_id) for row in finishing] == [(choices[winner][0], winner.pk)]
    assert not Callback.objects.filter(previous=callback).exists()
