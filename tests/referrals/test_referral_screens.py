"""The referral screens as the advisor reads them: a referral that waits for consent shows
when the consent gate lets its package go; the package page in Dutch; a reload of the
package page shows it again without sending it twice."""

import re

import pytest
from django.urls import reverse

from consent.models import ConsentRecord, Disclosure, Purpose
from referrals import services
from referrals.models import Loket, Referral, ReferralStatus
from tests.factories import case_with_call

SUMMARY = "share-summary-consultant"


@pytest.fixture
def case(advisor):
    case = case_with_call(advisor, notes="Moeder belt over de school")
    _set_authority(case, "yes")
    return case


@pytest.fixture
def referral(advisor, case):
    consultant = Loket.objects.get(code="onderwijsconsulent")
    return services.referral_make(case=case, loket=consultant, by=advisor, advice=None, manual_reason="Thuiszitter")


def _set_authority(case, authority: str) -> None:
    caller = case.callers.get()
    caller.parental_authority = authority
    caller.save()


def _give(client, case, categories=("contact", "school")):
    purpose = Purpose.objects.get(code=SUMMARY)
    form = {
        "purpose": purpose.pk, "purpose_version": purpose.version, "recipient": "onderwijsconsulent",
        "categories": list(categories), "giver": case.callers.get().pk, "method": "phone", "valid_until": "2099-01-01",
    }
    response = client.post(reverse("consent:give", args=[case.reference]), form)
    assert response.status_code == 302, response.content.decode()


def _shown_status(client, case) -> str:
    page = client.get(case.get_absolute_url()).content.decode()
    return re.search(r'data-testid="referral-status"[^>]*>(.*?)</span>', page, re.S).group(1).strip()


def _package_url(referral) -> str:
    return reverse("referrals:send_package", args=[referral.case.reference, referral.pk])


# --- Waiting for consent, or ready to send --------------------------------------------------------


def test_a_waiting_referral_shows_it_can_be_sent_once_consent_is_recorded(advisor_client, case, referral):
    assert _shown_status(advisor_client, case) == "Wacht op toestemming"
    _give(advisor_client, case)
    assert _shown_status(advisor_client, case) == "Klaar om te versturen"
    status_page = advisor_client.get(reverse("referrals:referral_status", args=[case.reference, referral.pk]))
    assert "Klaar om te versturen" in status_page.content.decode()


def test_it_waits_again_when_the_giver_no_longer_has_authority(advisor_client, case, referral):
    _give(advisor_client, case)
    _set_authority(case, "unknown")
    assert _shown_status(advisor_client, case) == "Wacht op toestemming"


def test_after_the_consent_is_withdrawn_it_is_no_longer_ready(advisor_client, case, referral):
    _give(advisor_client, case)
    record = ConsentRecord.objects.get()
    advisor_client.post(reverse("consent:withdraw", args=[case.reference, record.pk]), {"reason": "Niet meer"})
    assert _shown_status(advisor_client, case) == "Ingetrokken"


def test_a_consent_for_another_purpose_does_not_make_it_ready(advisor_client, advisor, case, referral):
    import datetime as dt

    from django.utils import timezone

    from consent.services import consent_give

    consent_give(
        case=case, purpose=Purpose.objects.get(code="consultant-request-school"), recipient_code="onderwijsconsulent",
        recipient_name="Onderwijsconsulenten", categories=["contact"], child_name="Yara", giver_id=None,
        giver_name="Fatima", giver_authority="yes", method="phone", valid_until=timezone.now() + dt.timedelta(days=9),
        by=advisor,
    )  # fmt: skip
    assert _shown_status(advisor_client, case) == "Wacht op toestemming"


def test_withdrawing_a_consent_for_another_purpose_leaves_the_referral_ready(advisor_client, advisor, case, referral):
    import datetime as dt

    from django.utils import timezone

    from consent.services import consent_give, consent_withdraw

    _give(advisor_client, case)
    other = consent_give(
        case=case, purpose=Purpose.objects.get(code="consultant-request-school"), recipient_code="onderwijsconsulent",
        recipient_name="Onderwijsconsulenten", categories=["contact"], child_name="Yara", giver_id=None,
        giver_name="Fatima", giver_authority="yes", method="phone", valid_until=timezone.now() + dt.timedelta(days=9),
        by=advisor,
    )  # fmt: skip
    consent_withdraw(record=other, by=advisor, reason="Geen contact met school")
    assert _shown_status(advisor_client, case) == "Klaar om te versturen"


def test_a_waiting_referral_links_to_the_consent_form_for_its_purpose_and_recipient(advisor_client, case, referral):
    page = advisor_client.get(case.get_absolute_url()).content.decode()
    give = reverse("consent:give", args=[case.reference])
    assert f'href="{give}?doel={SUMMARY}&amp;ontvanger=onderwijsconsulent"' in page


# The case page with consents and waiting referrals: its 26 without them (tests/intake/test_query_counts.py)
# plus, for the referrals' state, the package purpose, its consents and the callers' authority (child,
# callers); the consent panel reads the callers' authority too (child, callers).
def test_the_case_page_queries_do_not_grow_with_waiting_referrals(advisor_client, advisor, case, referral):
    from tests.querycount import assert_constant_queries, page_queries

    _give(advisor_client, case)
    few = page_queries(advisor_client, case.get_absolute_url())
    care = Loket.objects.get(code="onderwijszorgconsulent")
    for loket in (care, referral.loket) * 4:
        services.referral_make(case=case, loket=loket, by=advisor, advice=None, manual_reason="Nog een")
    many = page_queries(advisor_client, case.get_absolute_url())
    assert_constant_queries(few, many, ceiling=30)


# --- The package page ------------------------------------------------------------------------------


def test_the_package_page_names_the_data_in_dutch(advisor_client, case, referral):
    _give(advisor_client, case, categories=("contact", "school", "health"))
    page = advisor_client.post(_package_url(referral), follow=True).content.decode()
    covered = re.search(r'data-testid="package-categories">(.*?)</span>', page, re.S).group(1)
    assert covered == "Contactgegevens, Schoolgegevens, Gezondheids- en zorggegevens"
    health = re.search(r"<dt[^>]*>Gezondheids- en zorggegevens</dt><dd[^>]*>(.*?)</dd>", page, re.S).group(1)
    assert health == "nee"


def test_opening_the_package_address_shows_no_error_and_sends_nothing(advisor_client, case, referral):
    _give(advisor_client, case)
    response = advisor_client.get(_package_url(referral), follow=True)
    assert response.status_code == 200 and response.redirect_chain
    page = response.content.decode()
    assert "Het pakket is niet verstuurd" in page and 'data-testid="package"' not in page
    assert not Disclosure.objects.exists()


def test_sending_redirects_to_the_page_and_a_reload_sends_nothing_twice(advisor_client, case, referral):
    _give(advisor_client, case)
    sent = advisor_client.post(_package_url(referral))
    assert sent.status_code in (302, 303)
    for _reload in range(2):
        page = advisor_client.get(sent.url)
        assert page.status_code == 200
        assert "Fatima el Amrani" in page.content.decode() and 'data-testid="package"' in page.content.decode()
    assert Disclosure.objects.filter(allowed=True).count() == 1
    assert Referral.objects.get().status == ReferralStatus.REGISTERED


def test_a_reload_after_the_consent_was_withdrawn_shows_no_data(advisor_client, case, referral):
    _give(advisor_client, case)
    sent = advisor_client.post(_package_url(referral))
    record = ConsentRecord.objects.get()
    advisor_client.post(reverse("consent:withdraw", args=[case.reference, record.pk]), {"reason": "Niet meer"})
    page = advisor_client.get(sent.url, follow=True).content.decode()
    assert 'data-testid="package"' not in page
    assert "Het pakket kan niet meer worden getoond: De toestemming is ingetrokken" in page
    assert Disclosure.objects.count() == 1


def test_a_package_sent_on_another_case_does_not_open_this_one(advisor_client, advisor, case, referral):
    _give(advisor_client, case)
    advisor_client.post(_package_url(referral))
    other = case_with_call(advisor, caller_name="Henk de Vries")
    other_referral = services.referral_make(case=other, loket=referral.loket, by=advisor, advice=None,
                                            manual_reason="Thuiszitter")
    page = advisor_client.get(_package_url(other_referral), follow=True).content.decode()
    assert 'data-testid="package"' not in page and "Het pakket is niet verstuurd" in page
