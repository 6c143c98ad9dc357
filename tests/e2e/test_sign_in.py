"""In a real browser: an advisor signs in and sees the start page."""

import datetime as dt
import re

import time_machine
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from caseflow.accounts import roles
from tests.factories import TEST_PASSWORD, UserFactory


def _code_of(user) -> str:
    device = TOTPDevice.objects.get(user=user)
    return f"{totp(device.bin_key):06d}"


def test_an_advisor_signs_in_with_password_and_app_code_and_sees_the_start_page(
    page: Page, transactional_db, requests_to_other_hosts
):
    anna = UserFactory(username="anna", first_name="Anna", role=roles.ADVISOR)

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))
    expect(page.get_by_role("heading", name="Aanmelden bij Caseflow")).to_be_visible()
    page.get_by_label("Gebruikersnaam").fill("anna")
    page.get_by_label("Wachtwoord").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()

    # First sign-in: enrol the authenticator app, then keep the backup codes.
    expect(page.get_by_role("heading", name="Aanmelden in twee stappen instellen")).to_be_visible()
    expect(page.get_by_test_id("qr").locator("svg")).to_be_visible()
    page.get_by_label("Code").fill(_code_of(anna))
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.get_by_test_id("backup-codes").locator("li")).to_have_count(10)
    page.get_by_role("link", name="Ik heb ze bewaard; verder").click()

    expect(page.get_by_role("heading", name="Goedendag, Anna")).to_be_visible()
    expect(page.get_by_test_id("roles")).to_have_text(re.compile("aangemeld als adviseur"))

    # The next sign-in asks for the app's code: a new one, as a code works only once.
    page.get_by_role("button", name="Afmelden").click()
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=31)):
        page.get_by_label("Gebruikersnaam").fill("anna")
        page.get_by_label("Wachtwoord").fill(TEST_PASSWORD)
        page.get_by_role("button", name="Aanmelden").click()
        expect(page.get_by_role("heading", name="Aanmeldcode")).to_be_visible()
        page.get_by_label("Code").fill(_code_of(anna))
        page.get_by_role("button", name="Aanmelden").click()
        expect(page.get_by_role("heading", name="Goedendag, Anna")).to_be_visible()
    assert requests_to_other_hosts == []


def test_the_skip_link_is_the_first_stop_of_the_keyboard(page: Page, transactional_db, sign_in):
    sign_in(UserFactory(role=roles.ADVISOR))
    page.goto("/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Naar de inhoud")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main#inhoud")).to_be_focused()
