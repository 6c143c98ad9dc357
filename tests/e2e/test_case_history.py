"""In a real browser: a team lead reads a case's history (a field's old and new value and
who changed it) and sees who looked at the case."""

from playwright.sync_api import Page, expect

from caseflow.accounts import roles
from intake import services as intake
from intake.models import Caller
from tests.factories import UserFactory, case_with_call
from tests.signin import signed_in_client


def test_a_team_lead_sees_who_changed_what_and_who_looked(page: Page, transactional_db, sign_in,
                                                          requests_to_other_hosts):  # fmt: skip
    anna = UserFactory(username="anna", first_name="Anna", last_name="Smit", role=roles.ADVISOR)
    bram = UserFactory(username="bram", first_name="Bram", last_name="Kok", role=roles.ADVISOR)
    case = case_with_call(anna, caller_name="Els de Wit")
    case.refresh_from_db()
    intake.caller_update(caller=Caller.objects.get(case=case), expected_version=case.version, by=bram,
                         fields={"name": "Els de Wit-Bakker"})  # fmt: skip
    brams_browser = signed_in_client(bram)
    brams_browser.get(case.get_absolute_url())  # Bram looks at the case

    sign_in(UserFactory(username="carla", first_name="Carla", role=roles.TEAM_LEAD))
    page.goto(case.get_absolute_url())
    page.get_by_test_id("case-history-link").click()

    change = page.get_by_test_id("history-change").filter(has_text="Els de Wit-Bakker").first
    expect(change.get_by_test_id("history-who")).to_have_text("Bram Kok")
    name_row = change.get_by_test_id("history-field").filter(has_text="naam")
    expect(name_row.locator("del")).to_have_text("Els de Wit")
    expect(name_row).to_contain_text("Els de Wit-Bakker")

    viewers = page.get_by_test_id("case-viewers")
    expect(viewers).to_contain_text("Bram Kok")
    expect(viewers).to_contain_text("Carla")
    assert requests_to_other_hosts == []
