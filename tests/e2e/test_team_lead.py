"""In a real browser: a team lead follows the overdue call-backs from the dashboard,
hands that case to another advisor, and the new owner finds it in their list."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Page, expect

from caseflow.accounts import roles
from caseflow.callbacks.models import Callback, CallbackStatus
from tests.factories import UserFactory, case_with_call
from tests.signin import signed_in_client


def _overdue_callback(case, advisor) -> None:
    due = timezone.now() - timedelta(days=1)
    Callback.objects.create(
        case=case, assigned_to=advisor, planned_by=advisor, due_at=due, window_ends_at=due + timedelta(minutes=15),
        subject="Uitslag gesprek met school", status=CallbackStatus.REMINDED, escalated_at=due + timedelta(hours=1),
    )  # fmt: skip


def test_a_team_lead_reassigns_an_overdue_case_and_the_new_owner_sees_it(
    page: Page, browser, base_url, transactional_db, sign_in, requests_to_other_hosts
):
    anna = UserFactory(username="anna", first_name="Anna", role=roles.ADVISOR)
    bram = UserFactory(username="bram", first_name="Bram", role=roles.ADVISOR)
    case = case_with_call(advisor=anna)
    case_with_call(advisor=anna)  # another case, that stays with Anna
    _overdue_callback(case, anna)
    sign_in(UserFactory(username="carla", first_name="Carla", role=roles.TEAM_LEAD))

    page.goto("/teamleider/")
    expect(page.get_by_test_id("dashboard")).to_contain_text("Te late terugbelverzoeken: 1")
    page.get_by_test_id("figure-overdue").click()
    overdue = page.get_by_test_id("team-callbacks")
    expect(overdue).to_contain_text(case.reference)
    expect(overdue).to_contain_text("Uitslag gesprek met school")

    page.get_by_role("link", name="Zaken", exact=True).click()
    page.get_by_label(case.reference).check()
    page.get_by_label("Nieuwe behandelaar").select_option(label=str(bram))
    page.get_by_test_id("reassign").click()
    expect(page.get_by_text("1 zaak is nu bij Bram")).to_be_visible()

    # Bram, in his own browser session: the case is in his list, and a notification says so.
    client = signed_in_client(bram)
    cookie = client.cookies["sessionid"]
    brams = browser.new_context(locale="nl-NL", timezone_id="Europe/Amsterdam", base_url=base_url)
    brams.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])
    his_page = brams.new_page()
    his_page.goto("/zaken/mijn/")
    expect(his_page.locator("main")).to_contain_text(case.reference)
    expect(his_page.get_by_test_id("notification-count")).to_have_text("1 ongelezen meldingen")
    brams.close()
    assert requests_to_other_hosts == []
