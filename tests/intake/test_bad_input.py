"""Bad input on the call forms: a clear Dutch message on the field, everything else the
advisor typed still in the form, and nothing saved (not half a case either)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from intake import services
from tests.factories import case_with_call
from tests.intake.support import (
    NOTHING,
    assert_form_keeps,
    days_ago,
    field_errors,
    form_grant,
    has_error_on,
    minutes_ago,
    new_call,
    row_counts,
)

THIS_YEAR = timezone.localdate().year
IN_THREE_DAYS = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
IN_TWO_HOURS = (timezone.localtime() + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
DIGITS_MISSING = "Dit is geen geldig telefoonnummer: er ontbreken cijfers."
NOT_A_PHONE_NUMBER = (
    "Dit is geen geldig telefoonnummer: er staan letters of tekens in die niet in een telefoonnummer horen."
)

BAD_INPUT = [
    # (form prefix, field, what the advisor typed, the Dutch message on that field)
    ("beller", "phone", "12", DIGITS_MISSING),
    ("beller", "phone", "abc", NOT_A_PHONE_NUMBER),
    ("beller", "phone", "+31 6 1234", DIGITS_MISSING),
    ("beller", "phone_alt", "06-1234567890123", "Dit is geen geldig telefoonnummer: er staan te veel cijfers in."),
    ("beller", "name", "", "Dit veld is verplicht."),
    ("beller", "name", "   ", "Dit veld is verplicht."),
    ("beller", "email", "fatima@", "Voer een geldig e-mailadres in."),
    ("kind", "first_name", "", "Dit veld is verplicht."),
    ("kind", "birth_date", IN_THREE_DAYS, "Een geboortedatum kan niet in de toekomst liggen."),
    ("kind", "birth_year", str(THIS_YEAR + 1), "Een geboortejaar kan niet in de toekomst liggen."),
    ("kind", "birth_year", str(THIS_YEAR - 60), "Met dit geboortejaar zou het kind 60 jaar zijn. Controleer het jaar."),
    ("kind", "birth_year", str(THIS_YEAR - 28), "Met dit geboortejaar zou het kind 28 jaar zijn. Controleer het jaar."),
    ("gesprek", "started_at", IN_TWO_HOURS, "Het gesprek kan niet in de toekomst beginnen."),
    ("gesprek", "started_at", "gisteren", "Voer een geldige datum/tijd in."),
    ("gesprek", "at_home_since", IN_THREE_DAYS, "Het kind kan niet thuiszitten sinds een datum in de toekomst."),
    ("gesprek", "at_home_since", "", "Sinds wanneer zit het kind thuis? Een schatting is goed."),
    ("gesprek", "duration_minutes", "601", "Zorg ervoor dat deze waarde hoogstens 600 is."),
    ("gesprek", "duration_minutes", "-5", "Zorg ervoor dat deze waarde minstens 0 is."),
]


@pytest.mark.parametrize(
    ("prefix", "field", "typed", "message"), BAD_INPUT, ids=[f"{p}-{f}={t[:12]!r}" for p, f, t, _ in BAD_INPUT]
)
def test_bad_input_gets_a_dutch_message_on_its_field_keeps_the_rest_and_saves_nothing(
    call_screen, prefix, field, typed, message
):
    sent = new_call(**{f"{prefix}-{field}": typed})
    response = call_screen.post(**{f"{prefix}-{field}": typed})

    page = response.content.decode()
    assert response.status_code == 200
    assert field_errors(response, prefix, field) == [message]
    assert has_error_on(page, f"{prefix}-{field}") and message in page
    assert_form_keeps(page, sent, except_fields={f"{prefix}-{field}"})
    assert row_counts() == NOTHING


def test_the_oldest_child_the_helpline_advises_is_27(call_screen):
    response = call_screen.post(**{"kind-birth_year": str(THIS_YEAR - 27)})
    assert response.status_code == 302


def test_a_birth_date_that_makes_the_child_too_old_is_refused_too(call_screen):
    response = call_screen.post(**{"kind-birth_date": f"{THIS_YEAR - 60}-03-01", "kind-birth_year": ""})
    assert field_errors(response, "kind", "birth_date") == [
        "Met dit geboortejaar zou het kind 60 jaar zijn. Controleer het jaar."
    ]
    assert row_counts() == NOTHING


def test_a_birth_year_that_does_not_match_the_birth_date_is_refused(call_screen):
    sent = {"kind-birth_date": "2014-05-01", "kind-birth_year": "2015"}
    response = call_screen.post(**sent)

    assert field_errors(response, "kind", "birth_year") == ["Het jaar past niet bij de geboortedatum."]
    assert_form_keeps(response.content.decode(), new_call(**sent))
    assert row_counts() == NOTHING


def test_a_call_of_600_minutes_is_accepted(call_screen):
    assert call_screen.post(**{"gesprek-duration_minutes": "600"}).status_code == 302


def test_a_call_started_a_few_minutes_ahead_of_the_server_clock_is_not_in_the_future(call_screen):
    two_minutes_ahead = (timezone.localtime() + dt.timedelta(minutes=2)).strftime("%Y-%m-%dT%H:%M")
    assert call_screen.post(**{"gesprek-started_at": two_minutes_ahead}).status_code == 302


def test_at_home_no_needs_no_date_and_forgets_one_typed_by_mistake(call_screen):
    response = call_screen.post(**{"gesprek-at_home": "no", "gesprek-at_home_since": days_ago(10)})
    assert response.status_code == 302
    from intake.models import Call

    assert Call.objects.get().at_home_since is None


def test_several_bad_fields_are_each_marked_at_once(call_screen):
    response = call_screen.post(**{"beller-phone": "12", "kind-first_name": "", "gesprek-duration_minutes": "601"})

    assert field_errors(response, "beller", "phone") == [DIGITS_MISSING]
    assert field_errors(response, "kind", "first_name") == ["Dit veld is verplicht."]
    assert field_errors(response, "gesprek", "duration_minutes") == ["Zorg ervoor dat deze waarde hoogstens 600 is."]
    assert row_counts() == NOTHING


# --- The call form of an existing case -------------------------------------------------------


def test_bad_input_on_a_cases_call_form_keeps_the_rest_and_adds_no_call(advisor_client, advisor):
    case = case_with_call(advisor)
    url = reverse("intake:call_add", args=[case.reference])
    sent = {
        "gesprek-steps_taken": ["swv"],
        "gesprek-conflict": "no",
        "gesprek-at_home": "at_risk",
        "gesprek-channel": "email",
        "gesprek-started_at": IN_TWO_HOURS,
        "gesprek-notes": "Mail van de moeder.",
        "gesprek-next_step": "Terugbellen",
    }
    response = advisor_client.post(url, {**form_grant(advisor_client, url), **sent})

    assert response.status_code == 200
    assert field_errors(response, "gesprek", "started_at") == ["Het gesprek kan niet in de toekomst beginnen."]
    assert_form_keeps(response.content.decode(), sent, except_fields={"gesprek-started_at"})
    assert case.calls.count() == 1


# --- The child's and caller's details ---------------------------------------------------------


def test_a_bad_birth_year_on_the_child_form_changes_nothing(advisor_client, advisor):
    case = case_with_call(advisor, birth_year=2014)
    sent = {"version": case.version, "first_name": "Yara", "birth_year": str(THIS_YEAR - 60),
            "school_name": "Het Baken", "support_need": "no", "has_opp": "no", "has_tlv": "no"}
    response = advisor_client.post(reverse("intake:child_edit", args=[case.reference]), sent)

    assert response.status_code == 200
    assert response.context["form"].errors["birth_year"] == [
        "Met dit geboortejaar zou het kind 60 jaar zijn. Controleer het jaar."
    ]
    assert 'value="Het Baken"' in response.content.decode()
    case.child.refresh_from_db()
    assert (case.child.birth_year, case.child.school_name) == (2014, "")


def test_a_bad_number_on_the_caller_form_changes_nothing(advisor_client, advisor):
    case = case_with_call(advisor, phone="+31612345678")
    caller = case.callers.get()
    sent = {"version": case.version, "name": "Fatima Ünal", "phone": "abc", "relation": "mother",
            "parental_authority": "yes"}
    response = advisor_client.post(reverse("intake:caller_edit", args=[case.reference, caller.pk]), sent)

    assert response.context["form"].errors["phone"] == [NOT_A_PHONE_NUMBER]
    assert 'value="Fatima Ünal"' in response.content.decode()
    caller.refresh_from_db()
    assert (caller.name, caller.phone) == ("Fatima el Amrani", "+31612345678")


# --- The services refuse what the forms refuse, and leave nothing half saved ----------------


def _first_call(**call):
    return {"started_at": timezone.now() - dt.timedelta(minutes=5), **call}


def test_the_service_refuses_a_call_too_long_and_keeps_no_case(advisor):
    with pytest.raises(ValidationError) as refused:
        services.case_open_with_call(
            by=advisor, caller={"name": "Piet"}, child={"first_name": "Sem"},
            call=_first_call(duration_minutes=601), topics=[],
        )
    assert "duration_minutes" in refused.value.message_dict
    assert row_counts() == NOTHING


def test_the_service_refuses_a_caller_without_a_name_and_keeps_no_case(advisor):
    with pytest.raises(ValidationError):
        services.case_open_with_call(
            by=advisor, caller={"name": ""}, child={"first_name": "Sem"}, call=_first_call(), topics=[]
        )
    assert row_counts() == NOTHING


def test_a_failure_after_the_case_was_written_leaves_nothing_behind(call_screen, monkeypatch):
    def disk_full(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "case_record_contact", disk_full)
    with pytest.raises(RuntimeError):
        call_screen.post()
    assert row_counts() == NOTHING


def test_a_minute_ago_is_a_valid_start(call_screen):
    assert call_screen.post(**{"gesprek-started_at": minutes_ago(1)}).status_code == 302
