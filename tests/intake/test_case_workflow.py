"""A case's life: status on the second call, closing with a reason, reopening, a call that
reopens a closed case, and the case's facts that follow the latest call."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from caseflow import services as case_services
from caseflow.models import CaseStatus
from intake import services
from tests.factories import CallFactory, case_with_call
from tests.intake.support import form_grant, minutes_ago


@pytest.fixture
def case(advisor):
    return case_with_call(advisor)


def close_url(case):
    return reverse("case_close", args=[case.reference])


# --- Closing and reopening ----------------------------------------------------------------------


def test_closing_without_a_reason_is_refused(advisor_client, case):
    response = advisor_client.post(close_url(case), {"version": case.version})

    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["Dit veld is verplicht."]
    case.refresh_from_db()
    assert case.is_open


def test_closing_for_another_reason_needs_a_note(advisor_client, case):
    response = advisor_client.post(close_url(case), {"version": case.version, "reason": "other", "note": "  "})

    assert response.context["form"].errors["note"] == ["Licht toe waarom de zaak wordt gesloten."]
    case.refresh_from_db()
    assert case.is_open


def test_closing_with_a_reason_closes_the_case(advisor_client, advisor, case):
    response = advisor_client.post(close_url(case), {"version": case.version, "reason": "other",
                                                     "note": "Ouder verhuist naar België"})

    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.close_reason) == (CaseStatus.CLOSED, "other")
    assert case.close_note == "Ouder verhuist naar België"
    assert case.closed_at is not None
    assert case.history.first().history_user == advisor


def test_a_closed_case_offers_reopening_instead_of_closing(advisor_client, advisor, case):
    case_services.case_close(case=case, expected_version=case.version, by=advisor, reason="answered")

    page = advisor_client.get(case.get_absolute_url()).content.decode()

    assert reverse("case_reopen", args=[case.reference]) in page and "Heropenen" in page
    assert close_url(case) not in page
    assert "Gesloten" in page and "Vraag beantwoord" in page


def test_an_open_case_offers_closing_not_reopening(advisor_client, case):
    page = advisor_client.get(case.get_absolute_url()).content.decode()
    assert close_url(case) in page and reverse("case_reopen", args=[case.reference]) not in page


def test_reopening_a_closed_case_clears_how_it_was_closed(advisor_client, advisor, case):
    closed = case_services.case_close(case=case, expected_version=case.version, by=advisor, reason="other",
                                      note="Geen vraag meer")

    response = advisor_client.post(reverse("case_reopen", args=[case.reference]), {"version": closed.version})

    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.closed_at, case.close_reason, case.close_note) == (CaseStatus.IN_PROGRESS, None, "", "")


def test_reopening_an_open_case_is_refused_with_a_message(advisor_client, case):
    response = advisor_client.post(reverse("case_reopen", args=[case.reference]), {"version": case.version})
    assert response.status_code == 200 and "Deze zaak is al open." in response.content.decode()


def test_closing_a_closed_case_is_refused_with_a_message(advisor_client, advisor, case):
    closed = case_services.case_close(case=case, expected_version=case.version, by=advisor, reason="answered")
    response = advisor_client.post(close_url(case), {"version": closed.version, "reason": "answered"})
    assert "Deze zaak is al gesloten." in response.content.decode()


# --- Status -----------------------------------------------------------------------------------


def test_a_status_the_case_is_already_in_is_refused_with_a_message(advisor_client, advisor):
    case = case_with_call(advisor, calls=2)
    assert case.status == CaseStatus.IN_PROGRESS

    response = advisor_client.post(reverse("case_status", args=[case.reference]),
                                   {"version": case.version, "status": "in_progress"})

    assert response.status_code == 200
    assert "Een zaak kan niet van “In behandeling” naar “In behandeling”." in response.content.decode()


@pytest.mark.parametrize("status", ["new", "closed", "onzin"])
def test_a_status_the_form_does_not_offer_is_refused(advisor_client, case, status):
    response = advisor_client.post(reverse("case_status", args=[case.reference]),
                                   {"version": case.version, "status": status})

    assert response.context["form"].errors["status"] == [
        f"Selecteer een geldige keuze. {status} is geen beschikbare keuze."
    ]
    case.refresh_from_db()
    assert case.status == CaseStatus.NEW


def test_an_open_case_can_be_marked_referred(advisor_client, case):
    response = advisor_client.post(reverse("case_status", args=[case.reference]),
                                   {"version": case.version, "status": "referred"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.REFERRED


def test_the_first_call_leaves_a_case_new_and_the_second_puts_it_in_progress(advisor, case):
    assert case.status == CaseStatus.NEW
    CallFactory(case=case)
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS


def test_a_second_call_does_not_undo_a_status_set_by_hand(advisor, case):
    referred = case_services.case_set_status(case=case, expected_version=case.version, by=advisor, status="referred")
    CallFactory(case=referred)
    case.refresh_from_db()
    assert case.status == CaseStatus.REFERRED


# --- A call on a closed case ------------------------------------------------------------------


def test_a_call_logged_on_a_closed_case_reopens_it(advisor_client, advisor, case):
    case_services.case_close(case=case, expected_version=case.version, by=advisor, reason="no_contact")
    url = reverse("intake:call_add", args=[case.reference])
    page = advisor_client.get(url).content.decode()
    assert "Deze zaak is gesloten; door het gesprek op te slaan gaat hij weer open." in page

    response = advisor_client.post(url, {**form_grant(advisor_client, url), "gesprek-conflict": "no",
                                         "gesprek-at_home": "no", "gesprek-channel": "phone_in",
                                         "gesprek-started_at": minutes_ago(1)})

    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.closed_at, case.close_reason) == (CaseStatus.IN_PROGRESS, None, "")
    assert case.calls.count() == 2


# --- The case's facts follow the latest call -----------------------------------------------------


def test_the_case_takes_at_home_and_last_contact_from_the_latest_call(advisor, case):
    since = timezone.localdate() - dt.timedelta(weeks=5)
    call = CallFactory(case=case, started_at=timezone.now() - dt.timedelta(minutes=3), at_home="yes",
                       at_home_since=since)

    case.refresh_from_db()
    assert (case.last_contact_at, case.at_home, case.at_home_since) == (call.started_at, "yes", since)
    assert (case.weeks_at_home, case.at_home_alert) == (5, True)


def test_a_call_logged_with_an_earlier_start_does_not_overwrite_the_facts(advisor, case):
    since = timezone.localdate() - dt.timedelta(weeks=2)
    latest = CallFactory(case=case, started_at=timezone.now() - dt.timedelta(minutes=3), at_home="yes",
                         at_home_since=since)

    CallFactory(case=case, started_at=latest.started_at - dt.timedelta(days=7), at_home="no")  # last week's e-mail

    case.refresh_from_db()
    assert (case.last_contact_at, case.at_home, case.at_home_since) == (latest.started_at, "yes", since)
    assert case.calls.count() == 3


def test_a_call_saying_the_child_is_back_at_school_clears_the_date(advisor, case):
    CallFactory(case=case, started_at=timezone.now() - dt.timedelta(hours=2), at_home="yes",
                at_home_since=timezone.localdate() - dt.timedelta(weeks=3))
    CallFactory(case=case, started_at=timezone.now() - dt.timedelta(hours=1), at_home="no")

    case.refresh_from_db()
    assert (case.at_home, case.at_home_since, case.weeks_at_home) == ("no", None, None)


def test_the_case_page_shows_weeks_at_home_and_flags_more_than_four(advisor_client, advisor, case):
    CallFactory(case=case, at_home="yes", at_home_since=timezone.localdate() - dt.timedelta(weeks=6, days=1))

    page = advisor_client.get(case.get_absolute_url()).content.decode()

    assert "6 weken thuis" in page  # the badge beside the reference
    assert "meer dan vier weken" in page  # on the call in the timeline


def test_the_timeline_shows_the_newest_call_first(advisor_client, advisor, case):
    CallFactory(case=case, started_at=timezone.now() - dt.timedelta(days=30), notes="Oudste gesprek")
    CallFactory(case=case, started_at=timezone.now() - dt.timedelta(minutes=5), notes="Nieuwste gesprek")

    page = advisor_client.get(case.get_absolute_url()).content.decode()

    assert page.count('data-testid="timeline-call"') == 3
    assert page.index("Nieuwste gesprek") < page.index("Oudste gesprek")


def test_topics_of_a_call_are_added_to_the_case(advisor, case):
    from caseflow.models import Topic

    first, second = Topic.objects.all()[:2]
    services.call_log(case=case, by=advisor, call={}, topics=[first])
    services.call_log(case=case, by=advisor, call={}, topics=[second])
    assert set(case.topics.all()) == {first, second}
