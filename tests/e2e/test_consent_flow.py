"""In a real browser: consent recorded from the referral that waits for it (the text to read
out follows the chosen purpose), the referral ready to send, the package goes out with only the
covered data and a reload does not send it again, the parent withdraws, and a second sending is
refused with the reason."""

import datetime as dt

from django.utils import timezone
from playwright.sync_api import Page, expect

from caseflow.accounts import roles
from consent.models import Disclosure
from referrals import services as referral_services
from referrals.models import Loket
from tests.factories import UserFactory, case_with_call


def test_consent_then_package_then_withdrawal_stops_the_next_one(
    page: Page, transactional_db, sign_in, requests_to_other_hosts
):
    advisor = UserFactory(username="anna", first_name="Anna", role=roles.ADVISOR)
    case = case_with_call(advisor, caller_name="Marieke Jansen", notes="Vertrouwelijke aantekening",
                          at_home="yes", at_home_since=timezone.localdate() - dt.timedelta(weeks=7))
    caller = case.callers.get()
    caller.parental_authority = "yes"
    caller.save()
    referral_services.referral_make(case=case, loket=Loket.objects.get(code="onderwijsconsulent"), by=advisor,
                                    advice=None, manual_reason="Thuiszitter")
    sign_in(advisor)

    page.goto(case.get_absolute_url())
    expect(page.get_by_test_id("referral-status")).to_have_text("Wacht op toestemming")
    page.get_by_test_id("record-consent").click()
    # From the referral: its purpose and loket are chosen, and the text to read out is on screen.
    expect(page.get_by_label("Ontvanger")).to_have_value("onderwijsconsulent")
    summary_text = page.get_by_text("Wij sturen de onderwijsconsulent een samenvatting van uw vraag")
    expect(summary_text).to_be_visible()
    # Another purpose: its own text, and a recipient it is not for is no longer chosen.
    page.get_by_label("Doel").select_option(label="De hulplijn neemt namens u contact op met de school")
    expect(page.get_by_text("Wij nemen namens u contact op met de school")).to_be_visible()
    expect(summary_text).to_be_hidden()
    expect(page.get_by_label("Ontvanger")).to_have_value("")
    page.get_by_label("Doel").select_option(label="Samenvatting delen met de onderwijsconsulent")
    page.get_by_label("Ontvanger").select_option(label="Onderwijsconsulenten")
    page.get_by_label("Contactgegevens").check()
    page.get_by_label("Schoolgegevens").check()
    page.get_by_role("button", name="Toestemming vastleggen").click()
    expect(page.get_by_test_id("consent-cell").filter(has_text="Samenvatting delen")).to_have_attribute(
        "data-state", "given")
    expect(page.get_by_test_id("referral-status")).to_have_text("Klaar om te versturen")

    page.get_by_test_id("send-package").click()
    expect(page.get_by_test_id("package-categories")).to_have_text("Contactgegevens, Schoolgegevens")
    expect(page.get_by_test_id("package-contact")).to_contain_text("Marieke Jansen")
    expect(page.get_by_test_id("package")).not_to_contain_text("Vertrouwelijke aantekening")
    page.reload()  # shows the package again and sends nothing twice
    expect(page.get_by_test_id("package-contact")).to_contain_text("Marieke Jansen")
    assert Disclosure.objects.count() == 1

    page.goto(case.get_absolute_url())
    page.get_by_test_id("consent-cell").filter(has_text="Samenvatting delen").get_by_role(
        "link", name="Intrekken").click()
    page.get_by_label("Waarom wordt de toestemming ingetrokken?").fill("Moeder wil eerst zelf met school praten")
    page.get_by_role("button", name="Toestemming intrekken").click()
    expect(page.get_by_test_id("recipient-notice")).to_contain_text("Onderwijsconsulenten")

    page.get_by_test_id("send-package").click()
    expect(page.get_by_role("alert").or_(page.locator(".alert-danger"))).to_contain_text(
        "Niet verstuurd: De toestemming is ingetrokken")
    assert list(Disclosure.objects.order_by("id").values_list("allowed", flat=True)) == [True, False]
    assert requests_to_other_hosts == []
