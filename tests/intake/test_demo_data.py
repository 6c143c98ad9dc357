"""Demo and volume data: realistic, searchable, with the history a normal save writes."""

import phonenumbers
import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from caseflow import services
from caseflow.demo import demo_data_seed
from caseflow.models import Case, CaseReferenceCounter, CaseStatus
from intake.models import Call, Caller, Child
from intake.selectors import case_search


@pytest.fixture
def seeded(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", "--cases", "30", stdout=open("/dev/null", "w"))
    return list(Case.objects.all())


def test_every_seeded_row_has_its_creation_in_history_by_the_advisor(seeded):
    for model in (Case, Caller, Child, Call):
        for row in model.objects.select_related():
            created = row.history.get(history_type="+")
            assert created.history_user_id is not None
            owner_id = row.owner_id if model is Case else row.case.owner_id
            if model is not Call:
                assert created.history_user_id == owner_id
    closed = [case for case in seeded if case.status == CaseStatus.CLOSED]
    for case in closed:
        assert case.history.filter(history_type="~", status=CaseStatus.CLOSED).exists()
        assert case.history.get(history_type="+").status != CaseStatus.CLOSED


def test_topic_history_is_written_with_the_case(seeded):
    for case in seeded:
        first = case.history.get(history_type="+")
        assert sorted(t.topic_id for t in first.topics.all()) == sorted(case.topics.values_list("pk", flat=True))


def test_the_cases_facts_are_those_of_their_latest_call(seeded):
    for case in seeded:
        latest = case.calls.order_by("-started_at").first()
        assert case.last_contact_at == latest.started_at
        assert (case.at_home, case.at_home_since) == (latest.at_home, latest.at_home_since)


def test_phone_numbers_are_valid_e164_and_names_searchable(seeded, advisor):
    for caller in Caller.objects.all():
        assert phonenumbers.is_valid_number(phonenumbers.parse(caller.phone))
    caller = Caller.objects.first()
    assert caller.case in case_search(caller.name.split()[-1]).cases
    assert caller.case in case_search(caller.phone_shown).cases


def test_a_case_opened_after_seeding_gets_a_fresh_reference(seeded, advisor):
    references = [case.reference for case in seeded]
    assert len(set(references)) == len(references)
    new = services.case_open(by=advisor, owner=advisor)
    assert new.reference not in references
    year = int(new.reference.split("-")[1])
    assert CaseReferenceCounter.objects.get(year=year).last_number == int(new.reference.split("-")[2])


def test_the_demo_advisors_own_open_cases(seeded):
    assert Case.objects.open().filter(owner__username__in=["adviseur", "adviseur2"]).exists()


def test_make_run_adds_demo_cases_only_once(seeded):
    call_command("seed_demo", "--cases", "30", "--if-empty", stdout=open("/dev/null", "w"))
    assert Case.objects.count() == 30


@override_settings(DEBUG=False)
def test_demo_data_is_refused_without_debug(db):
    with pytest.raises(Exception, match="DEBUG"):
        demo_data_seed(cases=5)
    with pytest.raises(CommandError):
        call_command("seed_demo", "--cases", "5")
    assert not Case.objects.exists()
