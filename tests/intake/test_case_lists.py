"""The case lists: my cases and all cases, open ones unless asked, filtered and paged."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from caseflow.cases.models import Topic
from caseflow.cases.services import case_close
from intake import services
from intake.views import PAGE_SIZE
from tests.factories import case_with_call

MY_CASES, ALL_CASES = reverse("intake:my_cases"), reverse("intake:all_cases")


def listed(client, url, **params) -> list[str]:
    response = client.get(url, params)
    assert response.status_code == 200
    return [case.reference for case in response.context["page"].object_list]


@pytest.fixture
def cases(advisor, other_advisor):
    """Anna's open case, her closed case, her case with a child at home, and Bram's case."""
    mine = case_with_call(advisor, caller_name="Mijn Beller", child_name="Sem")
    closed = case_with_call(advisor, caller_name="Gesloten Beller", child_name="Roos")
    case_close(case=closed, expected_version=closed.version, by=advisor, reason="answered")
    at_home = case_with_call(advisor, caller_name="Thuis Beller", child_name="Daan", at_home="yes",
                             at_home_since=timezone.localdate() - dt.timedelta(weeks=3))
    theirs = case_with_call(other_advisor, caller_name="Hun Beller", child_name="Lotte")
    return {"mine": mine.reference, "closed": closed.reference, "at_home": at_home.reference,
            "theirs": theirs.reference}


def test_my_cases_are_my_open_cases_most_recent_contact_first(advisor_client, advisor, cases):
    services.call_log(case=case_with_call(advisor), by=advisor, call={}, topics=[])  # the newest contact
    newest = listed(advisor_client, MY_CASES)[0]

    assert set(listed(advisor_client, MY_CASES)) == {newest, cases["mine"], cases["at_home"]}


def test_all_cases_are_everyones_open_cases(advisor_client, cases):
    assert set(listed(advisor_client, ALL_CASES)) == {cases["mine"], cases["at_home"], cases["theirs"]}


def test_closed_cases_are_listed_when_asked_for(advisor_client, cases):
    assert listed(advisor_client, MY_CASES, status="closed") == [cases["closed"]]
    assert set(listed(advisor_client, ALL_CASES, status="all")) == set(cases.values())


def test_the_lists_filter_on_being_at_home(advisor_client, cases):
    assert listed(advisor_client, ALL_CASES, at_home="yes") == [cases["at_home"]]


def test_the_lists_filter_on_school_type(advisor_client, advisor, cases):
    vo_case = case_with_call(advisor, child_name="Milan")
    services.child_update(case=vo_case, expected_version=vo_case.version, by=advisor, fields={"school_type": "vo"})

    assert listed(advisor_client, ALL_CASES, school_type="vo") == [vo_case.reference]


def test_the_lists_filter_on_topic(advisor_client, advisor, cases):
    topic = Topic.objects.first()
    on_topic = case_with_call(advisor, child_name="Noor")
    services.call_log(case=on_topic, by=advisor, call={}, topics=[topic])

    assert listed(advisor_client, ALL_CASES, topic=topic.pk) == [on_topic.reference]


def test_a_row_shows_child_callers_owner_and_weeks_at_home(advisor_client, cases):
    page = advisor_client.get(ALL_CASES).content.decode()
    assert "Daan" in page and "Thuis Beller" in page and "3 wk" in page
    assert "Hun Beller" in page and "Bram" in page  # the owner column on all cases


def test_a_filter_that_matches_nothing_says_so(advisor_client, cases):
    page = advisor_client.get(MY_CASES, {"status": "referred"}).content.decode()
    assert "Geen zaken gevonden." in page


def test_the_lists_are_paged(advisor_client, advisor):
    for _ in range(PAGE_SIZE + 2):
        case_with_call(advisor)

    first = advisor_client.get(MY_CASES)
    second = advisor_client.get(MY_CASES, {"pagina": 2})

    assert len(first.context["page"].object_list) == PAGE_SIZE
    assert len(second.context["page"].object_list) == 2
    assert 'data-testid="case-count">27<' in first.content.decode()
    assert not set(listed(advisor_client, MY_CASES)) & set(listed(advisor_client, MY_CASES, pagina=2))


def test_a_page_number_past_the_end_shows_the_last_page(advisor_client, advisor):
    case = case_with_call(advisor)
    assert listed(advisor_client, MY_CASES, pagina=99) == [case.reference]
    assert listed(advisor_client, MY_CASES, pagina="abc") == [case.reference]


def test_an_unknown_filter_value_does_not_break_the_list(advisor_client, cases):
    response = advisor_client.get(ALL_CASES, {"status": "onzin", "topic": "999999", "at_home": "'"})
    assert response.status_code == 200
