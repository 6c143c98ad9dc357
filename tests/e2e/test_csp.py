"""In a real browser: every main page loads under the Content-Security-Policy without a
single violation, and without one request to another host."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from caseflow.accounts import roles
from caseflow.callbacks import office_hours
from caseflow.callbacks.services import callback_schedule
from tests.factories import UserFactory, case_with_call

# Collects violations from the page itself, whatever the console says.
_LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


@pytest.fixture
def csp_violations(page: Page) -> list[str]:
    seen: list[str] = []
    page.add_init_script(_LISTEN)
    page.on("console", lambda message: seen.append(message.text) if "Content Security Policy" in message.text else None)
    return seen


def _visit(page: Page, path: str, violations: list[str]) -> None:
    response = page.goto(path)
    assert response.status == 200, path
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")
    violations.extend(f"{path}: {v}" for v in page.evaluate("window.__cspViolations"))


def test_every_main_page_loads_without_csp_violations_or_other_hosts(
    page: Page, transactional_db, sign_in, csp_violations, requests_to_other_hosts
):
    advisor = UserFactory(username="anna", first_name="Anna", role=roles.ADVISOR)
    case = case_with_call(advisor, at_home="yes", at_home_since=timezone.localdate() - dt.timedelta(weeks=6))
    slot = office_hours.slots(after=timezone.now(), days=1)[0]
    callback_schedule(case=case, by=advisor, assigned_to=advisor, due_at=slot, window_minutes=15,
                      subject="Bellen", phone="+31612345678")  # fmt: skip
    ref = case.reference

    _visit(page, "/login/", csp_violations)
    sign_in(UserFactory(username="carla", first_name="Carla", role=roles.TEAM_LEAD))
    for path in [
        "/", "/gesprek/", "/zaken/mijn/", "/zaken/", f"/zaken/{ref}/", f"/zaken/{ref}/gesprek/",
        f"/zaken/{ref}/terugbellen/", "/terugbellen/", "/meldingen/", f"/zaken/{ref}/toestemming/",
        f"/zaken/{ref}/toestemming/overzicht/", "/teamleider/", "/teamleider/zaken/", "/teamleider/review/",
        "/teamleider/cijfers/", "/terugbellen/te-laat/", "/teamleider/inzagelog/", "/teamleider/bewaartermijn/",
        f"/zaken/{ref}/geschiedenis/", f"/zaken/{ref}/inzage/", "/admin/",
    ]:  # fmt: skip
        _visit(page, path, csp_violations)
    # Live parts: the search results and the advice beside the call form (htmx).
    page.goto("/gesprek/")
    page.keyboard.type("anna")
    page.wait_for_load_state("networkidle")

    assert csp_violations == []
    assert requests_to_other_hosts == []
