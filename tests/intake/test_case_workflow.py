"""A case's life as calls come in: status on the second call, a call that reopens a closed case,
and the case's facts that follow the latest call."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from caseflow.cases.models import CaseStatus
from caseflow.cases.services import case_close, case_set_status
from intake import services
from tests.factories import CallFactory, case_with_call
from tests.intake.support import form_grant, minutes_ago


@pytest.fixture
def case(advisor):
    return case_with_call(advisor)


# --- Status -----------------------------------------------------------------------------------


def test_the_first_call_leaves_a_case_new_and_the_second_puts_it_in_progress(advisor, case):
    assert case.status == CaseStatus.NEW
    CallFactory(case=case)
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS


def test_a_second_call_does_not_undo_a_status_set_by_hand(advisor, case):
    referred = case_set_status(case=case, expected_version=case.version, by=advisor, status="referred")
    CallFactory(case=referred)
    case.refresh_from_db()
    assert case.status == CaseStatus.REFERRED


# --- A call on a closed case ------------------------------------------------------------------


def test_a_call_logged_on_a_closed_case_reopens_it(advisor_client, advisor, case):
    case_close(case=case, expected_version=case.version, by=advisor, reason="no_contact")
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
    from caseflow.cases.models import Topic

    first, second = Topic.objects.all()[:2]
    services.call_log(case=case, by=advisor, call={}, topics=[first])
    services.call_log(case=case, by=advisor, call={}, topics=[second])
    assert set(case.topics.all()) == {first, second}
