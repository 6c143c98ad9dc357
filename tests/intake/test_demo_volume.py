"""Demo and volume data (seed_demo --cases N): realistic, searchable, and with the
history rows a normal save writes, although it is inserted in bulk."""

import phonenumbers
import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from caseflow.cases.models import Case, CaseReferenceCounter, CaseStatus
from caseflow.cases.services import case_open
from caseflow.demo import demo_data_seed
from intake.models import Call, Caller, Child, ParentQuestion
from intake.selectors import case_search

SEEDED = 30


def _seed(*args: str) -> None:
    call_command("seed_demo", *args, stdout=open("/dev/null", "w"))


@pytest.fixture
def seeded(db, settings):
    settings.DEBUG = True
    _seed("--cases", str(SEEDED))
    return list(Case.objects.prefetch_related("topics"))


def test_every_case_has_its_opening_and_its_present_state_in_history_by_its_owner(seeded):
    for case in seeded:
        opened = case.history.get(history_type="+")
        assert (opened.history_user_id, opened.history_date) == (case.owner_id, case.opened_at)
        assert (opened.status, opened.last_contact_at) == (CaseStatus.NEW, None)
        latest = case.history.latest()
        assert latest.history_type == "~" and latest.history_user_id == case.owner_id
        assert (latest.status, latest.last_contact_at, latest.closed_at) == (
            case.status, case.last_contact_at, case.closed_at
        )


def test_every_caller_child_and_call_has_its_creation_in_history_by_the_advisor(seeded):
    for model in (Caller, Child):
        for row in model.objects.select_related("case"):
            created = row.history.get(history_type="+")
            assert created.history_user_id == row.case.owner_id
    for call in Call.objects.all():
        created = call.history.get(history_type="+")
        assert (created.history_user_id, created.history_date) == (call.advisor_id, call.started_at)


def test_topics_are_in_the_history_of_cases_and_calls(seeded):
    for case in seeded:
        topics = sorted(topic.pk for topic in case.topics.all())
        assert topics
        for record in case.history.all():
            assert sorted(row.topic_id for row in record.topics.all()) == topics
    for call in Call.objects.prefetch_related("topics"):
        created = call.history.get(history_type="+")
        assert sorted(row.topic_id for row in created.topics.all()) == sorted(t.pk for t in call.topics.all())


def test_the_cases_facts_are_those_of_their_latest_call(seeded):
    for case in seeded:
        # Two calls may share a moment (a later call is never before the opening): then the one
        # logged last is the latest, as for the case's facts.
        calls = list(case.calls.order_by("started_at", "id"))
        latest = calls[-1]
        assert calls[0].started_at == case.opened_at
        assert case.last_contact_at == latest.started_at
        assert (case.at_home, case.at_home_since) == (latest.at_home, latest.at_home_since)
        if case.status == CaseStatus.CLOSED:
            assert case.close_reason and case.closed_at >= latest.started_at


def test_phone_numbers_are_valid_dutch_numbers_in_e164(seeded):
    numbers = [number for pair in Caller.objects.values_list("phone", "phone_alt") for number in pair if number]
    assert len(numbers) >= SEEDED
    for number in numbers:
        parsed = phonenumbers.parse(number)
        assert parsed.country_code == 31 and phonenumbers.is_valid_number(parsed), number
        assert phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164) == number


def test_callers_are_found_by_name_fragment_and_by_phone_as_typed(seeded):
    for caller in Caller.objects.select_related("case")[:5]:
        family_name = caller.name.split()[-1]
        assert caller.case in case_search(family_name[:4]).cases
        assert caller.case in case_search(caller.phone_shown.replace(" ", "-", 1)).cases


def test_children_have_a_plausible_birth_year(seeded):
    for child in Child.objects.select_related("case"):
        assert child.search_name and child.school_type
        assert 3 <= child.case.opened_at.year - child.birth_year <= 27
        if child.birth_date:
            assert child.birth_date.year == child.birth_year


def test_references_are_unique_and_a_case_opened_afterwards_gets_a_fresh_one(seeded, advisor):
    references = [case.reference for case in seeded]
    assert len(set(references)) == len(references)
    for case in seeded:
        assert case.reference.split("-")[1] == str(timezone.localtime(case.opened_at).year)
    new = case_open(by=advisor, owner=advisor)
    assert new.reference not in references
    _, year, number = new.reference.split("-")
    assert CaseReferenceCounter.objects.get(year=int(year)).last_number == int(number)


def test_the_demo_advisors_own_open_cases(seeded):
    assert Case.objects.open().filter(owner__username__in=["adviseur", "adviseur2"]).exists()


def test_make_run_adds_demo_cases_only_once(seeded):
    _seed("--cases", str(SEEDED), "--if-empty")
    assert Case.objects.count() == SEEDED


@override_settings(DEBUG=False)
def test_demo_data_is_refused_without_debug(db):
    with pytest.raises(Exception, match="DEBUG"):
        demo_data_seed(cases=5)
    with pytest.raises(CommandError):
        _seed("--cases", "5")
    assert not Case.objects.exists()


def test_most_calls_say_what_the_parent_asks_for_in_the_forms_codes(seeded):
    asked = list(Call.objects.values_list("questions", flat=True))
    with_questions = [codes for codes in asked if codes]
    assert len(asked) / 2 < len(with_questions) < len(asked)  # a short call back may tick nothing
    assert all(set(codes) <= set(ParentQuestion.values) and len(set(codes)) == len(codes) for codes in asked)
    assert any(len(codes) > 1 for codes in asked)  # a parent often asks two things
