"""The call screen, end to end through the test client: a first call opens a case with its
caller, child and the four key questions; a double submit opens one; a new case that
repeats an open one is held back with the match."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from caseflow.cases.models import Case, CaseStatus
from caseflow.cases.services import case_close
from intake.models import Call, Caller, Child
from tests.factories import CallerFactory, case_with_call
from tests.intake.support import CALL_SCREEN, form_values, row_counts

YEAR = timezone.localdate().year


# --- A first call ---------------------------------------------------------------------------


def test_a_first_call_lands_on_the_new_case_page(call_screen):
    response = call_screen.post()

    case = Case.objects.get()
    assert response.status_code == 302 and response.url == case.get_absolute_url()
    page = call_screen.client.get(response.url).content.decode()
    assert f"Zaak {case.reference} is geopend met dit gesprek." in page
    assert 'data-testid="case-reference">' + case.reference in page


def test_the_first_case_of_the_year_gets_reference_0001_and_the_next_0002(call_screen):
    call_screen.post()
    call_screen.fresh()
    call_screen.post(**{"beller-phone": "06-87654321", "beller-phone_alt": None, "kind-first_name": "Sem"})

    references = sorted(Case.objects.values_list("reference", flat=True))
    assert references == [f"OO-{YEAR}-0001", f"OO-{YEAR}-0002"]


def test_the_caller_is_stored_with_phone_numbers_in_e164(call_screen):
    call_screen.post()

    caller = Caller.objects.get()
    assert (caller.name, caller.phone, caller.phone_alt) == ("Fatima el Amrani", "+31612345678", "+31201234567")
    assert (caller.relation, caller.parental_authority, caller.voicemail_allowed) == ("mother", "yes", True)
    assert caller.email == "fatima@example.nl"


def test_the_child_is_stored_with_school_and_support(call_screen):
    call_screen.post()

    child = Child.objects.get()
    assert (child.first_name, child.birth_year, child.school_type) == ("Yara", 2014, "po")
    assert (child.school_name, child.swv, child.municipality) == ("De Regenboog", "SWV Amstelland", "Amstelveen")
    assert (child.support_need, child.support_kind, child.has_opp, child.has_tlv) == (
        "yes", "dyslexie", "unknown", "no"
    )


def test_the_call_holds_the_four_key_questions_as_structured_fields(call_screen):
    call_screen.post()

    call = Call.objects.get()
    assert call.steps_taken == ["teacher", "school_board"]  # 1. steps already taken
    assert call.conflict == "yes"  # 2. conflict
    assert call.disagrees_with_advice is True  # 3. disagrees with an advice
    assert (call.at_home, call.weeks_at_home, call.at_home_alert) == ("yes", 6, True)  # 4. at home
    assert (call.care_involved, call.legal_procedure, call.truancy) == (True, False, False)
    assert (call.channel, call.duration_minutes) == ("phone_in", 25)
    assert call.advice == "Vraag een gesprek aan met de intern begeleider."
    assert call.next_step == "Ouder belt terug na het gesprek."


def test_the_new_case_belongs_to_the_advisor_and_follows_the_call(call_screen, advisor):
    call_screen.post()

    case, call = Case.objects.get(), Call.objects.get()
    assert (case.owner, case.status, case.summary) == (advisor, CaseStatus.NEW, "Zit thuis sinds de herfstvakantie")
    assert (case.last_contact_at, case.at_home, case.at_home_since) == (call.started_at, "yes", call.at_home_since)
    assert (call.case, call.advisor) == (case, advisor)


def test_every_record_of_the_first_call_has_history_by_the_advisor(call_screen, advisor):
    call_screen.post()

    for model in (Case, Caller, Child, Call):
        record = model.objects.get()
        assert record.history.filter(history_type="+").exists(), model
        assert {row.history_user for row in record.history.all()} == {advisor}, model


def test_the_case_page_shows_the_call_in_its_timeline(call_screen):
    response = call_screen.post()
    page = call_screen.client.get(response.url).content.decode()

    assert page.count('data-testid="timeline-call"') == 1
    assert "School biedt geen extra ondersteuning." in page
    assert "06 12345678" in page  # the number as it is dialled here


def test_sending_the_same_form_twice_opens_one_case_with_one_call(call_screen):
    first = call_screen.post()
    again = call_screen.post()  # a double click: the same form_token

    assert again.status_code == 302 and again.url == first.url
    assert row_counts() == {"cases": 1, "callers": 1, "children": 1, "calls": 1}


def test_the_call_screen_with_a_query_shows_the_matches_above_the_form(advisor_client, advisor):
    case = case_with_call(advisor, phone="+31612345678")
    page = advisor_client.get(CALL_SCREEN, {"q": "06 12345678"}).content.decode()
    assert 'data-testid="search-results"' in page and case.reference in page


# --- Duplicates -----------------------------------------------------------------------------


@pytest.fixture
def first_case(call_screen):
    """An open case opened on the call screen for +31 6 12345678 about Yara (2014)."""
    call_screen.post(**{"beller-phone": "+31 6 12345678", "beller-phone_alt": None})
    call_screen.fresh()
    return Case.objects.get()


def test_a_new_case_for_a_number_typed_differently_is_held_back_with_the_match(call_screen, first_case):
    response = call_screen.post(**{"beller-phone": "06-12345678", "kind-first_name": "Sem"})

    page = response.content.decode()
    assert response.status_code == 200
    warning = re.search(r'data-testid="duplicate-warning".*?</div>', page, re.S)[0]
    assert "Er is al een open zaak voor dit telefoonnummer of dit kind:" in warning
    assert first_case.reference in warning and "Fatima el Amrani" in warning
    assert row_counts() == {"cases": 1, "callers": 1, "children": 1, "calls": 1}
    assert form_values(page)["kind-first_name"] == ["Sem"]  # the advisor's input is kept


def test_confirming_a_held_back_case_opens_it(call_screen, first_case):
    call_screen.post(**{"beller-phone": "06-12345678", "kind-first_name": "Sem"})
    confirmed = call_screen.post(**{"beller-phone": "06-12345678", "kind-first_name": "Sem",
                                    "zaak-confirm_duplicate": "on"})

    assert confirmed.status_code == 302
    new_case = Case.objects.exclude(pk=first_case.pk).get()
    assert confirmed.url == new_case.get_absolute_url()
    assert new_case.child.first_name == "Sem"


def test_the_other_number_of_a_caller_counts_as_the_same_number(call_screen, advisor):
    existing = case_with_call(advisor, phone="+31687654321", child_name="Sem")
    CallerFactory(case=existing, phone="+31698765432", phone_alt="+31201234567")

    page = call_screen.post(**{"beller-phone": "020-1234567", "beller-phone_alt": None}).content.decode()
    assert 'data-testid="duplicate-warning"' in page and existing.reference in page


def test_the_same_child_by_first_name_and_birth_year_is_held_back(call_screen, advisor):
    existing = case_with_call(advisor, child_name="yara", birth_year=2014)

    response = call_screen.post(**{"beller-phone": "010 123 4567", "beller-phone_alt": None})
    page = response.content.decode()
    assert 'data-testid="duplicate-warning"' in page and existing.reference in page
    assert Case.objects.count() == 1


def test_a_child_with_the_same_name_but_another_birth_year_is_not_a_duplicate(call_screen, advisor):
    case_with_call(advisor, child_name="Yara", birth_year=2012)
    response = call_screen.post(**{"beller-phone": "010 123 4567", "beller-phone_alt": None})
    assert response.status_code == 302 and Case.objects.count() == 2


def test_a_closed_case_does_not_hold_back_a_new_one(call_screen, advisor):
    closed = case_with_call(advisor, phone="+31612345678", child_name="Yara", birth_year=2014)
    case_close(case=closed, expected_version=closed.version, by=advisor, reason="answered")

    response = call_screen.post()
    assert response.status_code == 302 and Case.objects.count() == 2


# --- What the advisor typed is shown as text -------------------------------------------------


def test_notes_with_html_or_script_are_shown_as_text_on_the_case_page(call_screen):
    response = call_screen.post(**{
        "gesprek-notes": "<script>alert('x')</script><b>vet</b>",
        "beller-name": "<img src=x onerror=alert(1)>",
        "zaak-summary": "<i>samenvatting</i>",
    })
    page = call_screen.client.get(response.url).content.decode()

    assert "<script>alert" not in page and "<b>vet</b>" not in page
    assert "<img src=x" not in page and "<i>samenvatting</i>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&lt;b&gt;vet&lt;/b&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_the_call_screen_is_a_page_of_the_advisor(advisor_client):
    page = advisor_client.get(reverse("intake:call_new")).content.decode()
    values = form_values(page)
    assert values["form_token"] and values["draft_grant"]
    assert 'id="zoekterm"' in page  # the search comes first
