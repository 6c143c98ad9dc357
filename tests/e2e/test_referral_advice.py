"""In a real browser: the advice follows the key questions, and one click refers."""

import datetime as dt

from django.utils import timezone
from playwright.sync_api import Page, expect

from caseflow.accounts import roles
from referrals.models import Referral, ReferralStatus
from tests.factories import UserFactory


def test_a_child_at_home_for_six_weeks_gets_the_onderwijsconsulent_and_the_referral_is_made(
    page: Page, transactional_db, sign_in, requests_to_other_hosts
):
    sign_in(UserFactory(username="anna", first_name="Anna", role=roles.ADVISOR))
    page.goto("/gesprek/")
    page.locator("#id_beller-name").fill("Marieke Jansen")
    page.get_by_label("Voornaam of initialen").fill("Daan")
    page.get_by_label("Schoolsoort").select_option(label="Primair onderwijs (PO)")

    # The key questions: at home without school, for six weeks.
    page.get_by_role("group", name="4. Zit het kind (dreigend) thuis zonder school?").get_by_label("Ja").check()
    six_weeks_ago = (timezone.localdate() - dt.timedelta(weeks=6)).isoformat()
    page.get_by_label("Thuis sinds").fill(six_weeks_ago)
    page.get_by_label("Thuis sinds").blur()

    advice = page.get_by_test_id("advice-onderwijsconsulent")
    expect(advice).to_have_attribute("data-verdict", "recommended")
    expect(advice).to_contain_text("6 weken thuis zonder onderwijs")

    page.get_by_test_id("save-call").click()
    panel = page.get_by_test_id("advice-panel")
    expect(panel.get_by_test_id("advice-onderwijsconsulent")).to_contain_text("6 weken")
    panel.get_by_test_id("advice-onderwijsconsulent").get_by_role("button", name="Verwijzen").click()

    expect(page.get_by_test_id("referral")).to_contain_text("Onderwijsconsulenten")
    expect(page.get_by_test_id("referral-status")).to_have_text("Wacht op toestemming")
    referral = Referral.objects.get()
    assert (referral.rule_id, referral.status) == ("consultant", ReferralStatus.WAITING_FOR_CONSENT)
    assert requests_to_other_hosts == []
