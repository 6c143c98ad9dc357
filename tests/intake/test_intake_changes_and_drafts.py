"""Two advisors on one case lose nothing; the case's workflow; drafts that survive."""

import logging
import re
import threading

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from caseflow import services as case_services
from caseflow.models import Case, CaseStatus
from intake import services
from intake.models import CallDraft
from tests.factories import UserFactory, case_with_call

# --- The optimistic version -------------------------------------------------------------


def test_the_second_of_two_advisors_saving_a_case_is_told_and_nothing_is_overwritten(
    advisor_client, other_advisor_client, advisor
):
    case = case_with_call(advisor)
    url = reverse("case_edit", args=[case.reference])
    advisor_client.get(url), other_advisor_client.get(url)  # both open the form at version 1

    first = advisor_client.post(url, {"version": case.version, "summary": "Zoekt passende school"})
    second = other_advisor_client.post(url, {"version": case.version, "summary": "Wil klacht indienen"})

    assert first.status_code == 302
    page = second.content.decode()
    assert second.status_code == 200
    assert "heeft deze zaak om" in page and "Uw wijzigingen zijn niet opgeslagen" in page
    assert str(advisor) in page  # who got there first
    assert 'value="Wil klacht indienen"' in page  # the second advisor's text is kept
    case.refresh_from_db()
    assert case.summary == "Zoekt passende school"


def test_child_details_are_versioned_with_the_case(advisor_client, other_advisor_client, advisor):
    case = case_with_call(advisor)
    url = reverse("intake:child_edit", args=[case.reference])
    fields = {"first_name": "Yara", "support_need": "yes", "has_opp": "yes", "has_tlv": "no", "version": case.version}

    assert advisor_client.post(url, {**fields, "school_name": "De Regenboog"}).status_code == 302
    refused = other_advisor_client.post(url, {**fields, "school_name": "Het Baken"})

    assert "Uw wijzigingen zijn niet opgeslagen" in refused.content.decode()
    case.child.refresh_from_db()
    assert case.child.school_name == "De Regenboog"


def test_a_call_logged_meanwhile_does_not_refuse_a_summary_edit(advisor_client, advisor, other_advisor):
    case = case_with_call(advisor)
    version_seen = case.version
    services.call_log(case=case, by=other_advisor, call={}, topics=[])
    response = advisor_client.post(reverse("case_edit", args=[case.reference]),
                                   {"version": version_seen, "summary": "Nieuw"})
    assert response.status_code == 302


def _at_once(*jobs):
    """Run each job in its own thread with its own connection, released together."""
    barrier = threading.Barrier(len(jobs))
    outcomes = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait()
            outcomes[index] = job()
        except Exception as error:  # noqa: BLE001 - the outcome is what the test checks
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_advisors_saving_at_the_same_moment_one_wins_and_the_other_is_told():
    from caseflow import roles

    anna = UserFactory(username="anna-race", role=roles.ADVISOR)
    bram = UserFactory(username="bram-race", role=roles.ADVISOR)
    case = case_with_call(anna)

    def save(by, summary):
        return lambda: case_services.case_update(
            case=case, expected_version=case.version, by=by, summary=summary, topics=[], owner=anna
        )

    outcomes = _at_once(save(anna, "Versie van Anna"), save(bram, "Versie van Bram"))

    winners = [o for o in outcomes if isinstance(o, Case)]
    losers = [o for o in outcomes if isinstance(o, case_services.ConcurrentEditError)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    case.refresh_from_db()
    assert case.summary == winners[0].summary and case.version == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_calls_logged_at_the_same_moment_are_both_kept():
    from datetime import timedelta

    from caseflow import roles

    anna = UserFactory(username="anna-calls", role=roles.ADVISOR)
    case = case_with_call(anna)
    later = timezone.now()
    earlier = later - timedelta(minutes=5)

    outcomes = _at_once(
        lambda: services.call_log(case=case, by=anna, call={"started_at": earlier}, topics=[]),
        lambda: services.call_log(case=case, by=anna, call={"started_at": later}, topics=[]),
    )

    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    case.refresh_from_db()
    assert case.calls.count() == 3 and case.last_contact_at == later


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_cases_opened_at_the_same_moment_get_different_references():
    from caseflow import roles

    anna = UserFactory(username="anna-open", role=roles.ADVISOR)
    outcomes = _at_once(*[lambda: case_services.case_open(by=anna, owner=anna) for _ in range(4)])
    references = [case.reference for case in outcomes]
    assert len(set(references)) == 4, outcomes


# --- Workflow ---------------------------------------------------------------------------


def test_closing_needs_a_reason_and_a_closed_case_can_be_reopened(advisor_client, advisor):
    case = case_with_call(advisor)
    close = reverse("case_close", args=[case.reference])

    refused = advisor_client.post(close, {"version": case.version, "reason": "other", "note": ""})
    assert "Licht toe waarom de zaak wordt gesloten." in refused.content.decode()
    assert advisor_client.post(close, {"version": case.version}).status_code == 200
    assert Case.objects.get().is_open

    assert advisor_client.post(close, {"version": case.version, "reason": "answered"}).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.closed_at and case.close_reason == "answered"
    assert "Heropenen" in advisor_client.get(case.get_absolute_url()).content.decode()

    reopen = reverse("case_reopen", args=[case.reference])
    assert advisor_client.post(reopen, {"version": case.version}).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS and case.closed_at is None


def test_a_status_the_case_cannot_go_to_is_refused_with_a_message(advisor_client, advisor):
    case = case_with_call(advisor, calls=2)  # in progress
    response = advisor_client.post(reverse("case_status", args=[case.reference]),
                                   {"version": case.version, "status": "in_progress"})
    assert "Een zaak kan niet van" in response.content.decode()


def test_a_call_on_a_closed_case_reopens_it(advisor):
    case = case_with_call(advisor)
    case_services.case_close(case=case, expected_version=case.version, by=advisor, reason="no_contact")
    services.call_log(case=case, by=advisor, call={}, topics=[])
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS and case.closed_at is None


def test_a_call_logged_after_the_fact_does_not_overwrite_the_latest_facts(advisor):
    from datetime import timedelta

    case = case_with_call(advisor, at_home="yes", at_home_since="2026-01-05")
    latest = case.last_contact_at
    services.call_log(case=case, by=advisor, call={"started_at": latest - timedelta(days=30), "at_home": "no"},
                      topics=[])
    case.refresh_from_db()
    assert (case.at_home, case.last_contact_at) == ("yes", latest)


# --- Access -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["intake:call_new", "intake:my_cases", "intake:all_cases", "intake:search"])
def test_a_user_without_a_role_is_refused_and_the_refusal_is_logged(client, db, caplog, name):
    nobody = UserFactory(username="zonderrol")
    client.force_login(nobody)
    with caplog.at_level(logging.WARNING, logger="caseflow.security"):
        assert client.get(reverse(name)).status_code == 403
    assert f"forbidden user_id={nobody.pk}" in caplog.text


def test_a_user_without_a_role_cannot_open_a_case(client, advisor):
    case = case_with_call(advisor)
    client.force_login(UserFactory(username="zonderrol"))
    assert client.get(case.get_absolute_url()).status_code == 403


def test_team_leads_work_on_cases_too_and_unknown_references_are_404(team_lead_client, advisor):
    case = case_with_call(advisor)
    assert team_lead_client.get(case.get_absolute_url()).status_code == 200
    assert team_lead_client.get(reverse("case_detail", args=["OO-1999-9999"])).status_code == 404


# --- Drafts -------------------------------------------------------------------------------


def _form(client, url):
    page = client.get(url).content.decode()
    return {name: re.search(rf'name="{name}" value="([^"]+)"', page)[1] for name in ("form_token", "draft_grant")}


def test_a_draft_comes_back_after_the_session_expired(advisor_client, advisor):
    form = _form(advisor_client, reverse("intake:call_new"))
    advisor_client.logout()  # the session ends while the advisor types

    saved = advisor_client.post(reverse("intake:draft_save"),
                                {**form, "beller-name": "Piet de Boer", "gesprek-notes": "Zoon zit thuis."})
    assert saved.status_code == 200 and "Concept bewaard om" in saved.content.decode()

    advisor_client.force_login(advisor)
    page = advisor_client.get(reverse("intake:call_new")).content.decode()
    assert 'data-testid="draft-restored"' in page
    assert 'value="Piet de Boer"' in page and "Zoon zit thuis.</textarea>" in page
    assert f'name="form_token" value="{form["form_token"]}"' in page


def test_a_saved_call_removes_its_draft_and_a_late_autosave_does_not_bring_it_back(advisor_client, advisor):
    case = case_with_call(advisor)
    url = reverse("intake:call_add", args=[case.reference])
    form = _form(advisor_client, url)
    advisor_client.post(reverse("intake:draft_save"), {**form, "gesprek-notes": "half"})
    assert CallDraft.objects.filter(author=advisor, case=case).exists()

    call = {"gesprek-conflict": "no", "gesprek-at_home": "no", "gesprek-channel": "phone_in",
            "gesprek-started_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "gesprek-notes": "heel"}
    assert advisor_client.post(url, {**form, **call}).status_code == 302
    assert not CallDraft.objects.exists()

    late = advisor_client.post(reverse("intake:draft_save"), {**form, "gesprek-notes": "heel"})
    assert late.status_code == 204 and not CallDraft.objects.exists()


def test_a_draft_of_a_case_is_apart_from_the_new_case_draft(advisor_client, advisor):
    case = case_with_call(advisor)
    new_form = _form(advisor_client, reverse("intake:call_new"))
    case_form = _form(advisor_client, reverse("intake:call_add", args=[case.reference]))
    advisor_client.post(reverse("intake:draft_save"), {**new_form, "beller-name": "Nieuw"})
    advisor_client.post(reverse("intake:draft_save"), {**case_form, "gesprek-notes": "Vervolg"})
    assert sorted(CallDraft.objects.values_list("slot", flat=True)) == [f"case-{case.pk}", "new"]


def test_a_draft_grant_of_someone_else_or_tampered_is_refused(advisor_client, other_advisor_client):
    form = _form(advisor_client, reverse("intake:call_new"))
    assert other_advisor_client.post(reverse("intake:draft_save"), form).status_code == 403
    tampered = {**form, "draft_grant": form["draft_grant"][:-2] + "xx"}
    assert advisor_client.post(reverse("intake:draft_save"), tampered).status_code == 400
    assert not CallDraft.objects.exists()


def test_a_draft_can_be_discarded(advisor_client, advisor):
    form = _form(advisor_client, reverse("intake:call_new"))
    advisor_client.post(reverse("intake:draft_save"), {**form, "beller-name": "Weg"})
    advisor_client.post(reverse("intake:draft_discard"), {"slot": "new"})
    assert not CallDraft.objects.exists()
