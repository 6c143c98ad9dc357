"""Who did and saw what: every look at a case is in the access log, every change has a
history row with the right author, and the team lead can read both."""

from __future__ import annotations

import datetime as dt
import html
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from caseflow.accounts import roles
from caseflow.audit.models import AccessLog
from caseflow.callbacks import office_hours
from caseflow.callbacks.models import Callback
from caseflow.callbacks.reminders import callbacks_remind_due
from caseflow.callbacks.services import callback_schedule
from caseflow.cases.services import case_update
from consent.models import Purpose
from consent.services import consent_give
from intake import services as intake
from intake.models import Call, Caller, Child
from referrals.models import Loket, Referral
from referrals.services import referral_make
from tests.caseflow.team.test_team_lead import _queries
from tests.factories import UserFactory, case_with_call
from tests.intake.support import call_screen  # noqa: F401  (a fixture)
from tests.querycount import numbered, page_queries
from tests.signin import signed_in_client

# --- The access log ---------------------------------------------------------------------------


def _entries(user, action):
    rows = AccessLog.objects.filter(user=user, action=action).order_by("id")
    return list(rows.values_list("case__reference", "what"))


def test_opening_a_case_page_is_logged(advisor_client, advisor):
    case = case_with_call(advisor)
    advisor_client.get(case.get_absolute_url())
    assert _entries(advisor, "view") == [(case.reference, "case")]


@pytest.mark.parametrize(("query", "how"), [("06-12345678", "phone"), ("jansen", "name"), ("oo {year} 1", "reference")])
def test_a_search_logs_the_case_it_showed_and_never_what_was_typed(advisor_client, advisor, query, how):
    case = case_with_call(advisor, caller_name="Piet Jansen", phone="+31612345678")
    year = timezone.localtime(case.opened_at).year  # the reference's year: this year, whichever that is
    advisor_client.get(reverse("intake:search"), {"q": query.format(year=year)})
    assert _entries(advisor, "search") == [(case.reference, f"search by {how}: 1 found")]


def test_a_search_logs_one_row_per_case_shown_on_the_call_screen_too(advisor_client, advisor):
    cases = {case_with_call(advisor, caller_name=f"Piet Jansen {n}").reference for n in range(3)}
    case_with_call(advisor, caller_name="Els de Wit")
    page = advisor_client.get(reverse("intake:call_new"), {"q": "jansen"})
    assert page.status_code == 200
    assert sorted(_entries(advisor, "search")) == sorted((reference, "search by name: 3 found") for reference in cases)


def test_a_search_that_finds_nothing_is_logged_without_a_case(advisor_client, advisor):
    advisor_client.get(reverse("intake:search"), {"q": "Niemand Bekend"})
    assert _entries(advisor, "search") == [(None, "search by name: nothing found")]


def test_the_duplicate_warning_is_logged_as_a_search_for_the_cases_it_names(call_screen, advisor):  # noqa: F811
    existing = case_with_call(advisor, caller_name="Fatima el Amrani", phone="+31612345678")
    page = call_screen.post().content.decode()
    assert 'data-testid="duplicate-warning"' in page
    assert _entries(advisor, "search") == [(existing.reference, "duplicate check")]


def test_a_refused_or_missing_case_page_writes_no_access_row(advisor_client, advisor, administrator):
    case = case_with_call(advisor)
    assert signed_in_client(administrator).get(case.get_absolute_url()).status_code == 403
    assert advisor_client.get(reverse("intake:caller_edit", args=[case.reference, 999999])).status_code == 404
    assert not AccessLog.objects.exists()


def test_the_parent_consent_overview_is_logged_as_a_print(advisor_client, advisor):
    case = case_with_call(advisor)
    advisor_client.get(reverse("consent:overview", args=[case.reference]))
    assert _entries(advisor, "print") == [(case.reference, "consent overview for the parent")]


@pytest.mark.parametrize(("fmt", "action"), [("", "print"), ("json", "export")])
def test_the_referral_package_is_logged_as_a_print_or_an_export(advisor_client, advisor, fmt, action):
    case = case_with_call(advisor)
    loket = Loket.objects.get(code="regelrecht")
    referral = referral_make(case=case, loket=loket, by=advisor, advice=None, manual_reason="Juridisch")
    consent_give(
        case=case, purpose=Purpose.objects.get(code="share-summary-consultant"), recipient_code=loket.code,
        recipient_name=loket.name, categories=["contact"], child_name="Yara", giver_id=None, giver_name="Fatima",
        giver_authority="yes", method="phone", valid_until=timezone.now() + dt.timedelta(days=9), by=advisor,
    )  # fmt: skip
    response = advisor_client.post(
        reverse("referrals:send_package", args=[case.reference, referral.pk]), {"format": fmt}, follow=True
    )  # the page comes after a redirect (a reload must not send it again), the file at once
    assert response.status_code == 200
    assert _entries(advisor, action) == [(case.reference, "referral package regelrecht")]


def test_a_refused_package_is_not_logged_as_shown(advisor_client, advisor):
    """Nothing was shown or taken out: the refusal is in the disclosure log instead."""
    case = case_with_call(advisor)
    loket = Loket.objects.get(code="regelrecht")
    referral = referral_make(case=case, loket=loket, by=advisor, advice=None, manual_reason="Juridisch")
    advisor_client.post(reverse("referrals:send_package", args=[case.reference, referral.pk]), {"format": "json"})
    assert _entries(advisor, "export") == []
    assert case.disclosures.get().allowed is False


def _viewer_lines(page: str) -> list[str]:
    """The lines of "who looked", as text."""
    lines = re.findall(r'data-testid="case-viewer">(.*?)</li>', page, re.S)
    # Unescaped: a generated name may hold an apostrophe ("van 't Riet").
    return [html.unescape(" ".join(re.sub(r"<[^>]+>", " ", line).split())) for line in lines]


def test_the_case_page_shows_who_looked_at_it(advisor_client, other_advisor_client, advisor):
    case = case_with_call(advisor)
    other_advisor_client.get(case.get_absolute_url())
    lines = _viewer_lines(advisor_client.get(case.get_absolute_url()).content.decode())
    assert len(lines) == 2 and "Anna" in lines[0] and "Bram" in lines[1]


def test_who_looked_collapses_one_persons_views_within_five_minutes(advisor_client, advisor, other_advisor):
    jan = UserFactory(username="jan", first_name="Jan", last_name="Jansen", role=roles.ADVISOR)
    case = case_with_call(advisor)
    jan_client = signed_in_client(jan)
    amsterdam = ZoneInfo("Europe/Amsterdam")
    # Jan opens the case at 10:02, reads the child's form at 10:03 and the case again at 10:05
    # (within five minutes of each other); Bram looks in between; Jan comes back at 10:20.
    looks = [("10:02", jan_client, case.get_absolute_url()),
             ("10:03", jan_client, reverse("intake:child_edit", args=[case.reference])),
             ("10:04", signed_in_client(other_advisor), case.get_absolute_url()),
             ("10:05", jan_client, case.get_absolute_url()),
             ("10:20", jan_client, case.get_absolute_url())]  # fmt: skip
    for at, client, url in looks:
        hour, minute = map(int, at.split(":"))
        with time_machine.travel(dt.datetime(2026, 3, 12, hour, minute, tzinfo=amsterdam), tick=False):
            assert client.get(url).status_code == 200
    assert AccessLog.objects.filter(user=jan).count() == 4  # the log itself keeps every look

    with time_machine.travel(dt.datetime(2026, 3, 12, 10, 30, tzinfo=amsterdam), tick=False):
        lines = _viewer_lines(advisor_client.get(case.get_absolute_url()).content.decode())
    assert lines == [
        f"12 mrt {advisor} — bekeken: zaak, 10:30",
        "12 mrt Jan Jansen — bekeken: zaak, 10:20",
        "12 mrt Jan Jansen — 3× bekeken: zaak, gegevens van het kind, 10:02–10:05",
        f"12 mrt {other_advisor} — bekeken: zaak, 10:04",
    ]


def test_the_case_page_reads_the_same_queries_however_often_it_was_seen(advisor_client, other_advisor_client, advisor):
    case = case_with_call(advisor)
    few = page_queries(advisor_client, case.get_absolute_url())
    for _ in range(30):
        other_advisor_client.get(case.get_absolute_url())
    many = page_queries(advisor_client, case.get_absolute_url())
    assert len(few) == len(many), f"{numbered(few)}\n---\n{numbered(many)}"


# --- The management site -------------------------------------------------------------------


def test_a_search_in_the_management_sites_case_list_logs_each_case_found_not_the_name(team_lead_client, team_lead,
                                                                                      advisor):  # fmt: skip
    found = case_with_call(advisor, caller_name="Piet Jansen")
    case_with_call(advisor, caller_name="Els de Wit")
    page = team_lead_client.get(reverse("admin:caseflow_case_changelist"), {"q": "Jansen"})
    assert page.status_code == 200 and found.reference in page.content.decode()
    assert _entries(team_lead, "search") == [(found.reference, "search by admin case list: 1 found")]
    # The list without a search shows no personal data (reference, status, owner, dates): no rows.
    team_lead_client.get(reverse("admin:caseflow_case_changelist"))
    assert AccessLog.objects.filter(user=team_lead).count() == 1


def test_the_management_sites_case_and_consent_pages_are_logged(team_lead_client, team_lead, advisor):
    case = case_with_call(advisor)
    record = consent_give(
        case=case, purpose=Purpose.objects.get(code="share-summary-consultant"), recipient_code="onderwijsconsulent",
        recipient_name="Onderwijsconsulenten", categories=["contact"], child_name="Yara", giver_id=None,
        giver_name="Fatima", giver_authority="yes", method="phone", valid_until=timezone.now() + dt.timedelta(days=9),
        by=advisor,
    )  # fmt: skip
    for url in (reverse("admin:caseflow_case_change", args=[case.pk]),
                reverse("admin:caseflow_case_history", args=[case.pk]),
                reverse("admin:consent_consentrecord_changelist"),  # it lists who gave each consent
                reverse("admin:consent_consentrecord_change", args=[record.pk])):  # fmt: skip
        assert team_lead_client.get(url).status_code == 200
    assert _entries(team_lead, "view") == [
        (case.reference, "admin case page"), (case.reference, "admin case history"),
        (case.reference, "admin consentrecord list"), (case.reference, "admin consentrecord page"),
    ]  # fmt: skip


def test_team_leads_filter_the_access_log_by_user_and_period(team_lead_client, advisor_client, other_advisor_client,
                                                              advisor, other_advisor):  # fmt: skip
    case = case_with_call(advisor)
    advisor_client.get(case.get_absolute_url())
    other_advisor_client.get(case.get_absolute_url())
    today = timezone.localdate().isoformat()
    page = team_lead_client.get(reverse("access_log"), {"user": other_advisor.pk, "since": today, "until": today})
    rows = page.content.decode().split('data-testid="access-log"')[1]
    assert rows.count('data-testid="access-entry"') == 1 and "Bram" in rows
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    earlier = team_lead_client.get(reverse("access_log"), {"until": yesterday}).content.decode()
    assert 'data-testid="access-entry"' not in earlier


def test_advisors_cannot_read_the_access_log_or_a_case_history(advisor_client, advisor):
    case = case_with_call(advisor)
    assert advisor_client.get(reverse("access_log")).status_code == 403
    assert advisor_client.get(reverse("case_history", args=[case.reference])).status_code == 403
    assert advisor_client.get(reverse("subject_access", args=[case.reference])).status_code == 403


# --- History with the right author -----------------------------------------------------------


def test_each_kind_of_change_has_a_history_row_by_the_user_who_made_it(advisor, other_advisor, team_lead):
    case = case_with_call(advisor)
    assert case.history.earliest().history_user == advisor  # opened
    case_update(case=case, expected_version=case.version, by=other_advisor, summary="Nieuw", topics=[],
                         owner=advisor)  # fmt: skip
    assert case.history.first().history_user == other_advisor
    intake.call_log(case=case, by=other_advisor, call={"notes": "Tweede gesprek"}, topics=[])
    assert Call.history.filter(case_id=case.pk).first().history_user == other_advisor
    case.refresh_from_db()
    intake.caller_update(caller=Caller.objects.get(case=case), expected_version=case.version, by=team_lead,
                         fields={"name": "Nieuwe naam"})  # fmt: skip
    assert Caller.history.filter(case_id=case.pk).first().history_user == team_lead
    case.refresh_from_db()
    intake.child_update(case=case, expected_version=case.version, by=advisor, fields={"school_name": "De Vlinder"})
    assert Child.history.filter(case_id=case.pk).first().history_user == advisor
    referral_make(case=case, loket=Loket.objects.get(code="regelrecht"), by=other_advisor, advice=None,
                  manual_reason="Juridisch")  # fmt: skip
    assert Referral.history.filter(case_id=case.pk).first().history_user == other_advisor
    consent_give(
        case=case, purpose=Purpose.objects.get(code="share-summary-consultant"), recipient_code="onderwijsconsulent",
        recipient_name="Onderwijsconsulenten", categories=["contact"], child_name="Yara", giver_id=None,
        giver_name="Fatima", giver_authority="yes", method="phone", valid_until=timezone.now() + dt.timedelta(days=9),
        by=team_lead,
    )  # fmt: skip
    assert case.consents.get().history.first().history_user == team_lead


def test_a_reminder_by_the_beat_task_is_the_systems_on_behalf_of_the_planner(advisor):
    case = case_with_call(advisor)
    slot = office_hours.slots(after=timezone.now(), days=1)[0]
    callback = callback_schedule(case=case, by=advisor, assigned_to=advisor, due_at=slot,
                                           window_minutes=15, subject="Bellen", phone="+31612345678")  # fmt: skip
    assert callback.history.first().history_user == advisor
    callbacks_remind_due(now=slot)
    reminded = Callback.history.filter(id=callback.pk).first()
    assert reminded.history_user is None
    assert reminded.history_change_reason == f"system: reminder sent, on behalf of {advisor.username}"


def test_the_history_page_shows_old_and_new_values_and_who_changed_them(team_lead_client, advisor, other_advisor):
    case = case_with_call(advisor, caller_name="Els de Wit")
    case.refresh_from_db()
    intake.caller_update(caller=Caller.objects.get(case=case), expected_version=case.version, by=other_advisor,
                         fields={"name": "Els de Wit-Bakker"})  # fmt: skip
    page = team_lead_client.get(reverse("case_history", args=[case.reference])).content.decode()
    newest = page.split('data-testid="history-change"')[1]
    assert "Bram" in newest and "<del>Els de Wit</del>" in newest and "Els de Wit-Bakker" in newest


def _case_history_queries(client, case) -> list[str]:
    return page_queries(client, reverse("case_history", args=[case.reference]))


def test_the_history_and_access_log_pages_keep_their_queries_when_a_case_grows(team_lead_client, advisor):
    case = case_with_call(advisor)
    few = _case_history_queries(team_lead_client, case)
    log_few = _queries(team_lead_client, "access_log", {})
    for n in range(15):
        intake.call_log(case=case, by=advisor, call={"notes": f"Gesprek {n}"}, topics=[])
        team_lead_client.get(case.get_absolute_url())
    many = _case_history_queries(team_lead_client, case)
    assert len(few) == len(many), f"{numbered(few)}\n---\n{numbered(many)}"
    assert len(_queries(team_lead_client, "access_log", {})) == len(log_few)
