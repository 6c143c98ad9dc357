"""The call screen: a first call opens a case; bad input keeps everything and saves nothing."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from caseflow.models import Case, CaseStatus
from intake.models import Call, Caller, Child
from tests.factories import case_with_call

CALL_SCREEN = reverse("intake:call_new")


def _hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]+)"', html)[1]


def _minutes_ago(minutes: int) -> str:
    return (timezone.localtime() - dt.timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def call_screen(advisor_client):
    """post(**changes): the call screen's form as an advisor fills it in, with changes."""
    page = advisor_client.get(CALL_SCREEN).content.decode()
    grant = {"form_token": _hidden(page, "form_token"), "draft_grant": _hidden(page, "draft_grant")}

    def post(**changes):
        data = {
            **grant,
            "beller-name": "Fatima el Amrani",
            "beller-phone": "06-12345678",
            "beller-relation": "mother",
            "beller-parental_authority": "yes",
            "kind-first_name": "Yara",
            "kind-birth_year": "2014",
            "kind-school_type": "po",
            "kind-support_need": "yes",
            "kind-has_opp": "unknown",
            "kind-has_tlv": "no",
            "gesprek-steps_taken": ["teacher", "school_board"],
            "gesprek-conflict": "yes",
            "gesprek-at_home": "yes",
            "gesprek-at_home_since": (timezone.localdate() - dt.timedelta(weeks=6)).isoformat(),
            "gesprek-channel": "phone_in",
            "gesprek-started_at": _minutes_ago(10),
            "gesprek-notes": "School biedt geen extra ondersteuning.",
        }
        data.update({key: value for key, value in changes.items() if value is not None})
        for key in [key for key, value in changes.items() if value is None]:
            data.pop(key)
        return advisor_client.post(CALL_SCREEN, data)

    return post


def _row_counts() -> tuple[int, ...]:
    return Case.objects.count(), Caller.objects.count(), Child.objects.count(), Call.objects.count()


def test_a_first_call_opens_a_case_with_caller_child_and_the_key_questions(call_screen, advisor):
    response = call_screen()

    case = Case.objects.get()
    assert response.status_code == 302 and response.url == case.get_absolute_url()
    assert re.fullmatch(rf"OO-{timezone.localdate().year}-0001", case.reference)
    assert case.owner == advisor and case.status == CaseStatus.NEW
    caller, child, call = case.callers.get(), case.child, case.calls.get()
    assert caller.phone == "+31612345678"
    assert (child.first_name, child.birth_year, child.school_type) == ("Yara", 2014, "po")
    assert call.steps_taken == ["teacher", "school_board"]
    assert (call.conflict, call.at_home, call.weeks_at_home, call.at_home_alert) == ("yes", "yes", 6, True)
    assert (case.at_home, case.last_contact_at) == ("yes", call.started_at)
    for record in (case, caller, child, call):
        assert record.history.get(history_type="+").history_user == advisor


def test_sending_the_same_form_twice_logs_one_call(call_screen):
    call_screen()
    again = call_screen()
    assert again.status_code == 302
    assert _row_counts() == (1, 1, 1, 1)


def test_the_call_page_of_a_case_adds_to_its_timeline(advisor_client, advisor):
    case = case_with_call(advisor)
    url = reverse("intake:call_add", args=[case.reference])
    page = advisor_client.get(url).content.decode()
    response = advisor_client.post(url, {
        "form_token": _hidden(page, "form_token"),
        "draft_grant": _hidden(page, "draft_grant"),
        "gesprek-conflict": "no",
        "gesprek-at_home": "no",
        "gesprek-channel": "phone_in",
        "gesprek-started_at": _minutes_ago(1),
        "gesprek-notes": "Tweede gesprek.",
    })
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.calls.count() == 2 and case.status == CaseStatus.IN_PROGRESS


# --- Duplicates ---------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["+31 6 12345678", "0612345678", "0031 6 1234 5678"])
def test_a_new_case_for_a_number_with_an_open_case_is_held_back_with_the_match(call_screen, advisor, typed):
    existing = case_with_call(advisor, phone="+31612345678", child_name="Sem")

    response = call_screen(**{"beller-phone": typed})

    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="duplicate-warning"' in page and existing.reference in page
    assert Case.objects.count() == 1
    assert 'value="Fatima el Amrani"' in page  # the advisor's input is still there

    confirmed = call_screen(**{"beller-phone": typed, "zaak-confirm_duplicate": "on"})
    assert confirmed.status_code == 302 and Case.objects.count() == 2


def test_the_same_child_with_another_number_is_held_back_too(call_screen, advisor):
    case_with_call(advisor, child_name="Yara", birth_year=2014)
    response = call_screen(**{"beller-phone": "020 123 4567"})
    assert 'data-testid="duplicate-warning"' in response.content.decode()


def test_a_closed_case_does_not_hold_back_a_new_one(call_screen, advisor):
    from caseflow import services

    case = case_with_call(advisor, phone="+31612345678")
    services.case_close(case=case, expected_version=case.version, by=advisor, reason="answered")
    assert call_screen().status_code == 302


# --- Bad input: a Dutch message on the field, the rest kept, nothing saved ----------

_FUTURE = (timezone.localdate() + dt.timedelta(days=3)).isoformat()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("beller-phone", "12", "Dit is geen geldig telefoonnummer"),
        ("beller-phone", "abc", "Dit is geen geldig telefoonnummer"),
        ("beller-phone", "+31 6 1234", "Dit is geen geldig telefoonnummer"),
        ("beller-phone_alt", "+999 1234567", "Dit is geen geldig telefoonnummer"),
        ("beller-name", "", "Dit veld is verplicht."),
        ("kind-first_name", "   ", "Dit veld is verplicht."),
        ("kind-birth_date", _FUTURE, "Een geboortedatum kan niet in de toekomst liggen."),
        ("kind-birth_year", str(timezone.localdate().year - 60), "zou het kind 60 jaar zijn"),
        ("kind-birth_year", str(timezone.localdate().year - 28), "zou het kind 28 jaar zijn"),
        ("gesprek-started_at", (timezone.localtime() + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
         "Het gesprek kan niet in de toekomst beginnen."),
        ("gesprek-started_at", "gisteren", "Voer een geldige datum/tijd in."),
        ("gesprek-at_home_since", _FUTURE, "Het kind kan niet thuiszitten sinds een datum in de toekomst."),
        ("gesprek-at_home_since", "", "Sinds wanneer zit het kind thuis?"),
        ("gesprek-duration_minutes", "601", "hoogstens 600"),
    ],
)
def test_bad_input_is_refused_on_its_field_in_dutch_and_nothing_is_saved(call_screen, field, value, message):
    response = call_screen(**{field: value})

    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    error_of_field = re.search(rf'id="error_\d+_id_{re.escape(field)}"', page)
    assert error_of_field, f"no error shown on {field}"
    assert _row_counts() == (0, 0, 0, 0)
    # Everything else the advisor typed is still in the form.
    assert "School biedt geen extra ondersteuning.</textarea>" in page
    if field != "beller-name":
        assert 'value="Fatima el Amrani"' in page
    if field != "kind-first_name":
        assert 'value="Yara"' in page


def test_a_birth_year_of_27_years_ago_is_accepted(call_screen):
    assert call_screen(**{"kind-birth_year": str(timezone.localdate().year - 27)}).status_code == 302


def test_a_year_that_does_not_match_the_birth_date_is_refused(call_screen):
    response = call_screen(**{"kind-birth_date": "2014-05-01", "kind-birth_year": "2015"})
    assert "Het jaar past niet bij de geboortedatum." in response.content.decode()
    assert _row_counts() == (0, 0, 0, 0)


def test_notes_with_html_are_shown_as_text(call_screen, advisor_client):
    call_screen(**{"gesprek-notes": "<script>alert('x')</script><b>vet</b>"})
    page = advisor_client.get(Case.objects.get().get_absolute_url()).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page


def test_a_failure_half_way_leaves_nothing_behind(call_screen, monkeypatch):
    """The case, caller and child are written before the call: if the call fails, none stay."""
    from intake import services

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "case_record_contact", broken)
    with pytest.raises(RuntimeError):
        call_screen()
    assert _row_counts() == (0, 0, 0, 0)
