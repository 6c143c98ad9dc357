"""In a real browser: an advisor signs in and sees the start page."""

import re

from playwright.sync_api import Page, expect

from caseflow import roles
from tests.factories import TEST_PASSWORD, UserFactory


def test_an_advisor_signs_in_and_sees_the_start_page(
    page: Page, transactional_db, requests_to_other_hosts
):
    UserFactory(username="anna", first_name="Anna", role=roles.ADVISOR)

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))
    expect(page.get_by_role("heading", name="Aanmelden bij Caseflow")).to_be_visible()

    page.get_by_label("Gebruikersnaam").fill("anna")
    page.get_by_label("Wachtwoord").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()

    expect(page.get_by_role("heading", name="Goedendag, Anna")).to_be_visible()
    expect(page.get_by_test_id("roles")).to_have_text(re.compile("aangemeld als adviseur"))
    assert requests_to_other_hosts == []


def test_the_skip_link_is_the_first_stop_of_the_keyboard(page: Page, transactional_db, sign_in):
    sign_in(UserFactory(role=roles.ADVISOR))
    page.goto("/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Naar de inhoud")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main#inhoud")).to_be_focused()
