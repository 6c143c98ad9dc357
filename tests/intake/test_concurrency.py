"""Two advisors on one case: the second to save is told who got there first, keeps what
they typed, and nothing of the first is overwritten. Real races run on PostgreSQL."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from caseflow.accounts import roles
from caseflow.cases.locking import ConcurrentEditError
from caseflow.cases.models import Case
from caseflow.cases.services import case_update
from intake import services
from tests.factories import UserFactory, case_with_call
from tests.intake.support import form_values
from tests.signin import sign_in_fully

CONFLICT = "Uw wijzigingen zijn niet opgeslagen; ze staan nog in het formulier hieronder."


def opened_version(client, url) -> str:
    """The version the edit form carries when an advisor opens it."""
    return form_values(client.get(url).content.decode())["version"][0]


# --- The case itself ------------------------------------------------------------------------


@pytest.fixture
def case(advisor):
    return case_with_call(advisor, caller_name="Fatima el Amrani", phone="+31612345678", child_name="Yara")


def test_both_advisors_open_the_case_form_at_version_1(advisor_client, other_advisor_client, case):
    url = reverse("case_edit", args=[case.reference])
    assert opened_version(advisor_client, url) == opened_version(other_advisor_client, url) == "1"


def test_the_second_case_save_is_refused_naming_who_changed_it(advisor_client, other_advisor_client, case):
    url = reverse("case_edit", args=[case.reference])
    anna_saw, bram_saw = opened_version(advisor_client, url), opened_version(other_advisor_client, url)

    first = advisor_client.post(url, {"version": anna_saw, "summary": "Zoekt passende school"})
    second = other_advisor_client.post(url, {"version": bram_saw, "summary": "Wil klacht indienen"})

    assert first.status_code == 302
    page = second.content.decode()
    assert second.status_code == 200
    assert "Anna" in page and "heeft deze zaak om" in page and CONFLICT in page
    assert form_values(page)["summary"] == ["Wil klacht indienen"]
    case.refresh_from_db()
    assert (case.summary, case.version) == ("Zoekt passende school", 2)


def test_after_a_conflict_saving_the_form_again_applies_it(advisor_client, other_advisor_client, case):
    """The message says: check the case and save again. Saving again must then work."""
    url = reverse("case_edit", args=[case.reference])
    bram_saw = opened_version(other_advisor_client, url)
    advisor_client.post(url, {"version": opened_version(advisor_client, url), "summary": "Zoekt passende school"})

    refused = other_advisor_client.post(url, {"version": bram_saw, "summary": "Wil klacht indienen"})
    again = other_advisor_client.post(url, form_values(refused.content.decode()))

    assert again.status_code == 302
    case.refresh_from_db()
    assert case.summary == "Wil klacht indienen"


def test_after_a_conflict_on_the_child_form_saving_again_applies_it(advisor_client, other_advisor_client, case):
    url = reverse("intake:child_edit", args=[case.reference])
    bram_form = form_values(other_advisor_client.get(url).content.decode())
    advisor_client.post(url, {**form_values(advisor_client.get(url).content.decode()), "school_name": "De Regenboog"})

    refused = other_advisor_client.post(url, {**bram_form, "school_name": "Het Baken"})
    again = other_advisor_client.post(url, form_values(refused.content.decode()))

    assert again.status_code == 302
    case.child.refresh_from_db()
    assert case.child.school_name == "Het Baken"


def test_the_child_form_is_versioned_with_the_case(advisor_client, other_advisor_client, case):
    url = reverse("intake:child_edit", args=[case.reference])
    anna_form, bram_form = form_values(advisor_client.get(url).content.decode()), form_values(
        other_advisor_client.get(url).content.decode()
    )
    assert anna_form["version"] == bram_form["version"] == ["1"]

    first = advisor_client.post(url, {**anna_form, "school_name": "De Regenboog"})
    second = other_advisor_client.post(url, {**bram_form, "school_name": "Het Baken", "municipality": "Utrecht"})

    assert first.status_code == 302
    page = second.content.decode()
    assert second.status_code == 200 and "Anna" in page and CONFLICT in page
    assert form_values(page)["school_name"] == ["Het Baken"]
    assert form_values(page)["municipality"] == ["Utrecht"]
    case.child.refresh_from_db()
    assert (case.child.school_name, case.child.municipality) == ("De Regenboog", "")


def test_the_caller_form_is_versioned_with_the_case(advisor_client, other_advisor_client, case):
    url = reverse("intake:caller_edit", args=[case.reference, case.callers.get().pk])
    anna_form, bram_form = form_values(advisor_client.get(url).content.decode()), form_values(
        other_advisor_client.get(url).content.decode()
    )

    first = advisor_client.post(url, {**anna_form, "phone": "06 87654321"})
    second = other_advisor_client.post(url, {**bram_form, "name": "Fatima Ünal", "phone": "06 11112222"})

    assert first.status_code == 302
    page = second.content.decode()
    assert second.status_code == 200 and "Anna" in page and CONFLICT in page
    assert form_values(page)["name"] == ["Fatima Ünal"] and form_values(page)["phone"] == ["06 11112222"]
    caller = case.callers.get()
    assert (caller.name, caller.phone) == ("Fatima el Amrani", "+31687654321")


def test_a_child_edit_refuses_a_later_case_edit_opened_before_it(advisor_client, other_advisor_client, case):
    """The child's details are part of the case: they raise its version too."""
    case_url = reverse("case_edit", args=[case.reference])
    child_url = reverse("intake:child_edit", args=[case.reference])
    bram_saw = opened_version(other_advisor_client, case_url)
    advisor_client.post(child_url, {**form_values(advisor_client.get(child_url).content.decode()), "swv": "SWV Eem"})

    refused = other_advisor_client.post(case_url, {"version": bram_saw, "summary": "Nieuw"})
    assert CONFLICT in refused.content.decode()


def test_a_call_logged_meanwhile_does_not_refuse_a_summary_edit(advisor_client, other_advisor, case):
    url = reverse("case_edit", args=[case.reference])
    anna_saw = opened_version(advisor_client, url)
    services.call_log(case=case, by=other_advisor, call={}, topics=[])

    assert advisor_client.post(url, {"version": anna_saw, "summary": "Nieuw"}).status_code == 302


def test_closing_a_case_someone_just_changed_is_refused(advisor_client, other_advisor_client, case):
    close_url = reverse("case_close", args=[case.reference])
    bram_saw = opened_version(other_advisor_client, close_url)
    advisor_client.post(reverse("case_edit", args=[case.reference]), {"version": case.version, "summary": "Bijgewerkt"})

    refused = other_advisor_client.post(close_url, {"version": bram_saw, "reason": "answered"})
    assert CONFLICT in refused.content.decode()
    case.refresh_from_db()
    assert case.is_open


def test_the_service_refuses_a_stale_version_and_changes_nothing(case, advisor, other_advisor):
    case_update(case=case, expected_version=1, by=advisor, summary="Eerste", topics=[], owner=advisor)

    with pytest.raises(ConcurrentEditError) as refused:
        case_update(case=case, expected_version=1, by=other_advisor, summary="Tweede", topics=[],
                    owner=other_advisor)

    assert refused.value.changed_by == advisor
    assert str(advisor) in refused.value.message()
    case.refresh_from_db()
    assert (case.summary, case.owner, case.version) == ("Eerste", advisor, 2)


# --- Real races (PostgreSQL: row locks; SQLite serialises writers) -----------------------------


def at_once(*jobs):
    """Run each job in its own thread and database connection, all released together."""
    barrier = threading.Barrier(len(jobs))
    outcomes = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = job()
        except Exception as error:  # noqa: BLE001 - the outcome is what the test looks at
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, job)) for index, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return outcomes


@pytest.fixture
def anna(transactional_db):
    return UserFactory(username="anna-race", first_name="Anna", role=roles.ADVISOR)


@pytest.fixture
def bram(transactional_db):
    return UserFactory(username="bram-race", first_name="Bram", role=roles.ADVISOR)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_saves_of_one_version_at_the_same_moment_one_wins_the_other_is_told(anna, bram):
    case = case_with_call(anna)

    def save(by, summary):
        return lambda: case_update(
            case=case, expected_version=1, by=by, summary=summary, topics=[], owner=by
        )

    outcomes = at_once(save(anna, "Versie van Anna"), save(bram, "Versie van Bram"))

    winners = [outcome for outcome in outcomes if isinstance(outcome, Case)]
    losers = [outcome for outcome in outcomes if isinstance(outcome, ConcurrentEditError)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    case.refresh_from_db()
    assert (case.summary, case.owner, case.version) == (winners[0].summary, winners[0].owner, 2)
    assert losers[0].changed_by == winners[0].owner  # the loser is told who won


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_child_edit_and_a_case_edit_at_the_same_moment_one_wins(anna, bram):
    case = case_with_call(anna)
    outcomes = at_once(
        lambda: services.child_update(case=case, expected_version=1, by=anna, fields={"school_name": "De Regenboog"}),
        lambda: case_update(case=case, expected_version=1, by=bram, summary="Bram", topics=[],
                            owner=bram),
    )
    errors = [outcome for outcome in outcomes if isinstance(outcome, ConcurrentEditError)]
    assert len(errors) == 1, outcomes
    case.refresh_from_db()
    assert case.version == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_calls_logged_at_the_same_moment_are_both_kept_and_the_later_one_sets_the_facts(anna, bram):
    case = case_with_call(anna)
    later = timezone.now() - dt.timedelta(minutes=1)
    earlier = later - dt.timedelta(minutes=30)

    outcomes = at_once(
        lambda: services.call_log(case=case, by=anna, call={"started_at": later, "at_home": "at_risk"}, topics=[]),
        lambda: services.call_log(case=case, by=bram, call={"started_at": earlier, "at_home": "no"}, topics=[]),
    )

    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)], outcomes
    case.refresh_from_db()
    assert case.calls.count() == 3
    assert (case.last_contact_at, case.at_home) == (later, "at_risk")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_cases_opened_at_the_same_moment_get_different_references(anna, bram):
    def open_case(by, name):
        return lambda: services.case_open_with_call(
            by=by, caller={"name": name}, child={"first_name": name}, call={}, topics=[]
        ).case.reference

    outcomes = at_once(*(open_case(by, f"Kind {n}") for n in range(3) for by in (anna, bram)))

    assert all(isinstance(outcome, str) for outcome in outcomes), outcomes
    year = timezone.localdate().year
    assert sorted(outcomes) == [f"OO-{year}-{number:04d}" for number in range(1, 7)]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_form_sent_twice_at_the_same_moment_logs_one_call(anna):
    import uuid

    case = case_with_call(anna)
    token = uuid.uuid4()

    def send():
        return services.call_log(case=case, by=anna, call={}, topics=[], form_token=token).pk

    outcomes = at_once(send, send)

    assert all(isinstance(outcome, int) for outcome in outcomes), outcomes
    assert outcomes[0] == outcomes[1] and case.calls.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_double_click_on_the_call_screen_opens_one_case(anna):
    """Two requests with the same form, at the same moment: one case, and both land on it."""
    from django.test import Client

    from tests.intake.support import CALL_SCREEN, form_grant, new_call, row_counts

    first, second = Client(), Client()
    sign_in_fully(first, anna), sign_in_fully(second, anna)
    form = {**form_grant(first, CALL_SCREEN), **new_call()}

    outcomes = at_once(lambda: first.post(CALL_SCREEN, form), lambda: second.post(CALL_SCREEN, form))

    assert [response.status_code for response in outcomes] == [302, 302], outcomes
    assert outcomes[0].url == outcomes[1].url == Case.objects.get().get_absolute_url()
    assert row_counts() == {"cases": 1, "callers": 1, "children": 1, "calls": 1}
