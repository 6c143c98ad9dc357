"""The case page's own forms: closing with a reason, reopening, and setting the status."""

import pytest
from django.urls import reverse

from caseflow.cases.models import CaseStatus
from caseflow.cases.services import case_close
from tests.factories import case_with_call


@pytest.fixture
def case(advisor):
    return case_with_call(advisor)


def close_url(case):
    return reverse("case_close", args=[case.reference])


# --- Closing and reopening ----------------------------------------------------------------------


def test_closing_without_a_reason_is_refused(advisor_client, case):
    response = advisor_client.post(close_url(case), {"version": case.version})

    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["Dit veld is verplicht."]
    case.refresh_from_db()
    assert case.is_open


def test_closing_for_another_reason_needs_a_note(advisor_client, case):
    response = advisor_client.post(close_url(case), {"version": case.version, "reason": "other", "note": "  "})

    assert response.context["form"].errors["note"] == ["Licht toe waarom de zaak wordt gesloten."]
    case.refresh_from_db()
    assert case.is_open


def test_closing_with_a_reason_closes_the_case(advisor_client, advisor, case):
    response = advisor_client.post(close_url(case), {"version": case.version, "reason": "other",
                                                     "note": "Ouder verhuist naar België"})

    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.close_reason) == (CaseStatus.CLOSED, "other")
    assert case.close_note == "Ouder verhuist naar België"
    assert case.closed_at is not None
    assert case.history.first().history_user == advisor


def test_a_closed_case_offers_reopening_instead_of_closing(advisor_client, advisor, case):
    case_close(case=case, expected_version=case.version, by=advisor, reason="answered")

    page = advisor_client.get(case.get_absolute_url()).content.decode()

    assert reverse("case_reopen", args=[case.reference]) in page and "Heropenen" in page
    assert close_url(case) not in page
    assert "Gesloten" in page and "Vraag beantwoord" in page


def test_an_open_case_offers_closing_not_reopening(advisor_client, case):
    page = advisor_client.get(case.get_absolute_url()).content.decode()
    assert close_url(case) in page and reverse("case_reopen", args=[case.reference]) not in page


def test_reopening_a_closed_case_clears_how_it_was_closed(advisor_client, advisor, case):
    closed = case_close(case=case, expected_version=case.version, by=advisor, reason="other",
                        note="Geen vraag meer")

    response = advisor_client.post(reverse("case_reopen", args=[case.reference]), {"version": closed.version})

    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.closed_at, case.close_reason, case.close_note) == (CaseStatus.IN_PROGRESS, None, "", "")


def test_reopening_an_open_case_is_refused_with_a_message(advisor_client, case):
    response = advisor_client.post(reverse("case_reopen", args=[case.reference]), {"version": case.version})
    assert response.status_code == 200 and "Deze zaak is al open." in response.content.decode()


def test_closing_a_closed_case_is_refused_with_a_message(advisor_client, advisor, case):
    closed = case_close(case=case, expected_version=case.version, by=advisor, reason="answered")
    response = advisor_client.post(close_url(case), {"version": closed.version, "reason": "answered"})
    assert "Deze zaak is al gesloten." in response.content.decode()


# --- Status -----------------------------------------------------------------------------------


def test_a_status_the_case_is_already_in_is_refused_with_a_message(advisor_client, advisor):
    case = case_with_call(advisor, calls=2)
    assert case.status == CaseStatus.IN_PROGRESS

    response = advisor_client.post(reverse("case_status", args=[case.reference]),
                                   {"version": case.version, "status": "in_progress"})

    assert response.status_code == 200
    assert "Een zaak kan niet van “In behandeling” naar “In behandeling”." in response.content.decode()


@pytest.mark.parametrize("status", ["new", "closed", "onzin"])
def test_a_status_the_form_does_not_offer_is_refused(advisor_client, case, status):
    response = advisor_client.post(reverse("case_status", args=[case.reference]),
                                   {"version": case.version, "status": status})

    assert response.context["form"].errors["status"] == [
        f"Selecteer een geldige keuze. {status} is geen beschikbare keuze."
    ]
    case.refresh_from_db()
    assert case.status == CaseStatus.NEW


def test_an_open_case_can_be_marked_referred(advisor_client, case):
    response = advisor_client.post(reverse("case_status", args=[case.reference]),
                                   {"version": case.version, "status": "referred"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.REFERRED
