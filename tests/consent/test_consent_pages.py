"""Consent on the case page: recording, refusing a giver without authority, withdrawing
with a reason, and no way to edit or delete records in the management site."""

import pytest
from django.urls import reverse

from consent.models import ConsentRecord, Purpose
from tests.factories import case_with_call


@pytest.fixture
def case(advisor):
    case = case_with_call(advisor)
    caller = case.callers.get()
    caller.parental_authority = "yes"
    caller.save()
    return case


def _form(case, **changes):
    purpose = Purpose.objects.get(code="share-summary-consultant")
    return {
        "purpose": purpose.pk, "purpose_version": purpose.version, "recipient": "onderwijsconsulent",
        "categories": ["contact"], "giver": case.callers.get().pk, "method": "phone", "valid_until": "2099-01-01",
        **changes,
    }


def test_an_advisor_records_consent_with_what_the_parent_heard(advisor_client, advisor, case):
    response = advisor_client.post(reverse("consent:give", args=[case.reference]), _form(case))
    assert response.status_code == 302
    record = ConsentRecord.objects.get()
    assert (record.giver_name, record.giver_authority, record.recorded_by) == ("Fatima el Amrani", "yes", advisor)
    assert record.purpose_text == record.purpose.text and record.child_name == "Yara"
    page = advisor_client.get(case.get_absolute_url()).content.decode()
    assert 'data-state="given"' in page


def test_a_giver_without_authority_is_refused_on_the_form(advisor_client, case):
    caller = case.callers.get()
    caller.parental_authority = "no"
    caller.save()
    response = advisor_client.post(reverse("consent:give", args=[case.reference]), _form(case))
    assert "heeft geen gezag en kan geen geldige toestemming geven" in response.content.decode()
    assert not ConsentRecord.objects.exists()


@pytest.mark.parametrize(("field", "value"), [("categories", []), ("valid_until", "2001-01-01")])
def test_bad_consent_input_saves_nothing(advisor_client, case, field, value):
    response = advisor_client.post(reverse("consent:give", args=[case.reference]), _form(case, **{field: value}))
    assert response.status_code == 200 and not ConsentRecord.objects.exists()


def test_withdrawing_needs_a_reason(advisor_client, case):
    advisor_client.post(reverse("consent:give", args=[case.reference]), _form(case))
    record = ConsentRecord.objects.get()
    url = reverse("consent:withdraw", args=[case.reference, record.pk])
    assert "Dit veld is verplicht." in advisor_client.post(url, {"reason": ""}).content.decode()
    assert advisor_client.post(url, {"reason": "Moeder trekt in"}).status_code == 302
    assert ConsentRecord.objects.get().withdrawal_reason == "Moeder trekt in"


def test_the_management_site_shows_consents_but_cannot_change_or_delete_them(team_lead_client, advisor_client, case):
    advisor_client.post(reverse("consent:give", args=[case.reference]), _form(case))
    record = ConsentRecord.objects.get()
    assert team_lead_client.get(reverse("admin:consent_consentrecord_changelist")).status_code == 200
    assert team_lead_client.post(reverse("admin:consent_consentrecord_delete", args=[record.pk]),
                                 {"post": "yes"}).status_code == 403
    change = team_lead_client.get(reverse("admin:consent_consentrecord_change", args=[record.pk]))
    assert 'name="_save"' not in change.content.decode()
    assert ConsentRecord.objects.filter(pk=record.pk).exists()


def test_the_parent_overview_lists_consents_and_what_was_shared(advisor_client, case):
    advisor_client.post(reverse("consent:give", args=[case.reference]), _form(case))
    page = advisor_client.get(reverse("consent:overview", args=[case.reference])).content.decode()
    assert 'data-testid="overview-consent"' in page and "Er is niets gedeeld." in page


def test_a_withdrawal_stops_the_referrals_waiting_for_it(advisor_client, advisor, case):
    from referrals import services as referral_services
    from referrals.models import Loket, Referral, ReferralStatus

    referral = referral_services.referral_make(
        case=case, loket=Loket.objects.get(code="onderwijsconsulent"), by=advisor, advice=None, manual_reason="x"
    )
    advisor_client.post(reverse("consent:give", args=[case.reference]), _form(case))
    record = ConsentRecord.objects.get()
    advisor_client.post(reverse("consent:withdraw", args=[case.reference, record.pk]), {"reason": "Niet meer"})

    referral = Referral.objects.get(pk=referral.pk)
    assert referral.status == ReferralStatus.WITHDRAWN and "Niet meer" in referral.notes
    assert not record.notices.exists()  # nothing was sent, so nobody to inform
