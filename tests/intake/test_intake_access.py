"""Who may use the intake: advisors and team leads; a signed-in user without a role is
refused and the refusal logged; an anonymous visitor is sent to sign in (the walk over
every URL in tests/caseflow/accounts/test_access.py covers each page; this checks it sees ours)."""

import logging

import pytest
from django.urls import get_resolver, reverse

from caseflow.cases.models import Case
from tests.factories import UserFactory, case_with_call
from tests.intake.support import CALL_SCREEN, NOTHING, new_call, row_counts
from tests.signin import sign_in_fully
from tests.urlwalk import all_pages


@pytest.fixture
def case(advisor):
    return case_with_call(advisor, caller_name="Fatima el Amrani", phone="+31612345678")


def intake_pages(case) -> dict[str, str]:
    caller = case.callers.get()
    return {
        "call screen": CALL_SCREEN,
        "search": reverse("intake:search") + "?q=fatima",
        "my cases": reverse("intake:my_cases"),
        "all cases": reverse("intake:all_cases"),
        "case page": case.get_absolute_url(),
        "case edit": reverse("case_edit", args=[case.reference]),
        "call on a case": reverse("intake:call_add", args=[case.reference]),
        "child": reverse("intake:child_edit", args=[case.reference]),
        "caller": reverse("intake:caller_edit", args=[case.reference, caller.pk]),
        "another caller": reverse("intake:caller_add", args=[case.reference]),
    }


def test_the_url_walk_covers_every_intake_page():
    walked = {page.name for page in all_pages()}
    _prefix, intake_urls = get_resolver().namespace_dict["intake"]
    ours = {f"intake:{pattern.name}" for pattern in intake_urls.url_patterns}
    assert len(ours) >= 10
    assert ours <= walked, ours - walked


def test_anonymous_visitors_are_sent_to_sign_in_from_every_intake_page(client, case):
    for name, url in intake_pages(case).items():
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login") + "?next="), name


def test_an_anonymous_post_of_the_call_screen_saves_nothing(client, db):
    response = client.post(CALL_SCREEN, new_call())
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert row_counts() == NOTHING


@pytest.fixture
def nobody_client(client, db):
    """A signed-in user whose account has no role yet."""
    nobody = UserFactory(username="zonder-rol")
    sign_in_fully(client, nobody)
    client.user = nobody
    return client


def test_a_user_without_a_role_is_refused_every_intake_page_and_each_refusal_is_logged(nobody_client, case, caplog):
    for name, url in intake_pages(case).items():
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="caseflow.security"):
            response = nobody_client.get(url)
        assert response.status_code == 403, name
        assert "Geen toegang" in response.content.decode(), name
        assert f"forbidden user_id={nobody_client.user.pk}" in caplog.text, name
        assert "zonder-rol" not in caplog.text  # ids in logs, never names


def test_a_user_without_a_role_cannot_open_a_case_by_posting(nobody_client, db):
    assert nobody_client.post(CALL_SCREEN, new_call()).status_code == 403
    assert row_counts() == NOTHING


def test_a_user_without_a_role_cannot_change_a_case(nobody_client, case):
    response = nobody_client.post(reverse("case_edit", args=[case.reference]), {"version": 1, "summary": "x"})
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.summary == ""


@pytest.mark.parametrize("persona", ["advisor_client", "team_lead_client"])
def test_advisors_and_team_leads_open_every_intake_page(request, case, persona):
    client = request.getfixturevalue(persona)
    for name, url in intake_pages(case).items():
        assert client.get(url).status_code == 200, name


@pytest.mark.parametrize(
    "url_name",
    ["case_detail", "case_edit", "case_close", "intake:call_add", "intake:child_edit", "intake:caller_add"],
)
def test_an_unknown_reference_is_not_found(advisor_client, case, url_name):
    assert advisor_client.get(reverse(url_name, args=["OO-1999-9999"])).status_code == 404


def test_a_caller_of_another_case_is_not_found_under_this_one(advisor_client, advisor, case):
    other = case_with_call(advisor)
    url = reverse("intake:caller_edit", args=[case.reference, other.callers.get().pk])
    assert advisor_client.get(url).status_code == 404


def test_a_reference_that_is_not_one_is_not_found(advisor_client, db):
    assert advisor_client.get("/zaken/abc/").status_code == 404
    assert Case.objects.count() == 0
