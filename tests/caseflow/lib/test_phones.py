"""Phone numbers as advisors type them: every usual notation is accepted and stored as E.164,
and a number that cannot be right says in Dutch what is wrong with it."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from caseflow.callbacks.models import Callback
from caseflow.lib.phones import phone_e164
from intake.models import Caller
from tests.factories import case_with_call
from tests.intake.support import call_screen, form_values  # noqa: F401  (call_screen is a fixture)

NOTATIONS = [
    ("+31 (0)6 1234 5678", "+31612345678"),
    ("+31(0)612345678", "+31612345678"),
    ("0031 6 1234 5678", "+31612345678"),
    ("06-1234 5678", "+31612345678"),
    ("06.12.34.56.78", "+31612345678"),
    ("(06) 12 34 56 78", "+31612345678"),
    ("  06 - 1234 5678  ", "+31612345678"),
    ("(020) 123 45 67", "+31201234567"),
    ("+31 (0)20 - 123 45 67", "+31201234567"),
    ("+32 (0)470 12 34 56", "+32470123456"),
    ("0032 470 12.34.56", "+32470123456"),
    ("+49 (0)30 1234567", "+49301234567"),
    ("0049 30 123 4567", "+49301234567"),
]


@pytest.mark.parametrize(("typed", "stored"), NOTATIONS)
def test_every_usual_notation_is_stored_as_e164(typed, stored):
    assert phone_e164(typed) == stored


NOT = "Dit is geen geldig telefoonnummer: "
MISSING, TOO_MANY = NOT + "er ontbreken cijfers.", NOT + "er staan te veel cijfers in."
SIGNS = NOT + "er staan letters of tekens in die niet in een telefoonnummer horen."
NO_SUCH_NUMBER = NOT + "zo begint geen bestaand nummer."
REFUSALS = [
    ("12", MISSING),
    ("+31 6 1234", MISSING),
    ("06-1234567890123", TOO_MANY),
    ("06 1234 5678 9", TOO_MANY),
    ("abc", SIGNS),
    ("06-1234 567x", SIGNS),
    ("+999 12345678", NOT + "dit landnummer bestaat niet."),
    ("0112345678", NO_SUCH_NUMBER),
    ("+31 12 345 6789", NO_SUCH_NUMBER),
]


@pytest.mark.parametrize(("typed", "message"), REFUSALS, ids=[typed for typed, _ in REFUSALS])
def test_a_number_that_cannot_be_right_says_what_is_wrong(typed, message):
    with pytest.raises(ValidationError) as refused:
        phone_e164(typed)
    assert refused.value.messages == [message]
    assert refused.value.code == "invalid_phone"


def test_the_call_screen_stores_a_number_typed_with_country_code_and_bracketed_zero(call_screen):  # noqa: F811
    response = call_screen.post(**{"beller-phone": "+31 (0)6 1234 5678", "beller-phone_alt": "0032 470 12 34 56"})

    assert response.status_code == 302, response.content.decode()[:2000]
    caller = Caller.objects.get()
    assert (caller.phone, caller.phone_alt) == ("+31612345678", "+32470123456")


def test_the_call_screen_offers_room_for_the_notations(call_screen):  # noqa: F811
    html = call_screen.client.get(reverse("intake:call_new")).content.decode()
    for field in ("beller-phone", "beller-phone_alt"):
        maxlength = int(re.search(rf'name="{field}"[^>]*maxlength="(\d+)"', html).group(1))
        assert maxlength >= len("+31 (0)20 - 123 45 67 "), field


def test_the_caller_form_stores_a_number_typed_with_country_code_and_bracketed_zero(advisor_client, advisor):
    case = case_with_call(advisor, phone="+31612345678")
    caller = case.callers.get()
    sent = {"version": case.version, "name": "Fatima el Amrani", "phone": "+31 (0)6 8765 4321",
            "phone_alt": "+49 (0)30 123 4567", "relation": "mother", "parental_authority": "yes"}  # fmt: skip

    response = advisor_client.post(reverse("intake:caller_edit", args=[case.reference, caller.pk]), sent)

    assert response.status_code == 302, response.context["form"].errors
    caller.refresh_from_db()
    assert (caller.phone, caller.phone_alt) == ("+31687654321", "+49301234567")


def test_the_caller_form_says_what_is_wrong_and_changes_nothing(advisor_client, advisor):
    case = case_with_call(advisor, phone="+31612345678")
    caller = case.callers.get()
    sent = {"version": case.version, "name": "Fatima el Amrani", "phone": "+31 (0)6 1234",
            "relation": "mother", "parental_authority": "yes"}  # fmt: skip

    response = advisor_client.post(reverse("intake:caller_edit", args=[case.reference, caller.pk]), sent)

    assert response.context["form"].errors["phone"] == [MISSING]
    assert form_values(response.content.decode())["phone"] == ["+31 (0)6 1234"]  # kept as typed, to correct
    caller.refresh_from_db()
    assert caller.phone == "+31612345678"


def test_the_search_on_the_call_screen_finds_a_case_by_a_number_typed_with_country_code(advisor_client, advisor):
    case = case_with_call(advisor, phone="+31612345678")

    response = advisor_client.get(reverse("intake:search"), {"q": "+31 (0)6 1234 5678"}, HTTP_HX_REQUEST="true")

    assert response.context["result"].kind == "phone"
    assert [found.reference for found in response.context["result"].cases] == [case.reference]


MONDAY_MORNING = datetime(2026, 11, 2, 9, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))


def test_a_call_back_is_planned_with_a_number_typed_with_country_code(time_machine, advisor_client, advisor):
    time_machine.move_to(MONDAY_MORNING, tick=False)
    case = case_with_call(advisor)
    slot = (MONDAY_MORNING + timedelta(days=1)).replace(hour=10).strftime("%Y-%m-%dT%H:%M")
    sent = {"assigned_to": advisor.pk, "slot": slot, "window": 15, "phone": "+31 (0)6 1234 5678",
            "subject": "Uitslag gesprek school"}  # fmt: skip

    response = advisor_client.post(reverse("callback_plan", args=[case.reference]), sent)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert Callback.objects.get().phone == "+31612345678"
