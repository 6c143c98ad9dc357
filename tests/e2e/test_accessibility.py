"""In a real browser: every main page passes axe-core's WCAG 2.1 A and AA rules without a
serious or critical violation, for the advisor, the team lead and the visitor who signs in.

axe-core is test tooling (tests/e2e/vendor/README.md), injected into the page under test;
it is never served to users. The pages are filled through the services, so that badges,
tables and panels are there to be checked, on a clock fixed to a Thursday morning in office
hours whatever day the test runs.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Page

from caseflow.accounts import roles
from caseflow.accounts.two_factor import BACKUP_CODES_SESSION_KEY
from caseflow.callbacks.models import Callback, CallbackStatus
from caseflow.callbacks.reminders import callbacks_remind_due
from caseflow.callbacks.services import callback_finish
from caseflow.cases.models import CaseStatus, CloseReason
from caseflow.cases.services import case_close, case_request_review, case_set_status
from consent import services as consent_services
from consent.models import Purpose
from intake.inbox import services as inbox_services
from referrals import services as referral_services
from referrals.models import Loket
from tests.factories import UserFactory, callback_planned, case_with_call
from tests.signin import confirmed_device, signed_in_client

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
THURSDAY_MORNING = dt.datetime(2027, 3, 25, 9, 0, tzinfo=timezone.get_default_timezone())

_RUN_AXE = "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})"


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    # Injecting axe is an inline script, which our Content-Security-Policy rightly refuses;
    # tests/e2e/test_csp.py checks the policy itself.
    return {**browser_context_args, "bypass_csp": True}


def _invisible_text(results: dict) -> list[dict]:
    """axe leaves text at 1:1 contrast "incomplete" rather than failed; it is unreadable all the same
    (white on no background: how the call-back badges once looked)."""
    return [
        {"id": "color-contrast", "impact": "serious", "nodes": [node]}
        for rule in results["incomplete"]
        if rule["id"] == "color-contrast"
        for node in rule["nodes"]
        if any((check.get("data") or {}).get("messageKey") == "equalRatio" for check in node["any"])
    ]


def _summary(node: dict) -> str:
    """What axe says is wrong with one element, in one line."""
    messages = [check["message"] for check in node["any"] + node["all"] + node["none"] if check.get("message")]
    return messages[0] if messages else node.get("failureSummary", "")


def blocking_violations(page: Page) -> list[str]:
    """Each serious or critical WCAG 2.1 AA violation on the page as one readable line."""
    page.wait_for_load_state("networkidle")
    page.add_script_tag(path=str(AXE))
    results = page.evaluate(_RUN_AXE, WCAG_21_AA)
    return [
        f"{rule['id']} ({rule['impact']}) {' '.join(node['target'])}: {_summary(node)}"
        for rule in results["violations"] + _invisible_text(results)
        if rule["impact"] in BLOCKING_IMPACTS
        for node in rule["nodes"]
    ]


class AxeReport:
    """Violations per page, for one readable failure at the end instead of one per page."""

    def __init__(self, page: Page):
        self.page = page
        self.by_page: dict[str, list[str]] = {}

    def visit(self, path: str) -> None:
        response = self.page.goto(path)
        assert response.status == 200, f"{path}: {response.status}"
        self.check(path)

    def check(self, name: str) -> None:
        self.by_page[name] = blocking_violations(self.page)

    def assert_clean(self) -> None:
        counts = "\n".join(f"  {name}: {len(found)}" for name, found in self.by_page.items())
        details = "\n".join(f"{name}\n    " + "\n    ".join(found) for name, found in self.by_page.items() if found)
        assert not any(self.by_page.values()), f"serious/critical axe violations per page:\n{counts}\n\n{details}"


@pytest.fixture
def axe_report(page: Page) -> AxeReport:
    return AxeReport(page)


@pytest.fixture
def fixed_clock():
    with time_machine.travel(THURSDAY_MORNING, tick=True):
        yield


def _a_full_helpline(anna, bram) -> dict[str, str]:
    """Cases in every status, call-backs in every state, consents, referrals, notifications and
    a review request: every badge and table the pages can show. Returns the paths of the main case."""
    today = timezone.localdate()
    case = case_with_call(anna, caller_name="Marieke Jansen", calls=2, at_home="yes",
                          at_home_since=today - dt.timedelta(weeks=6), notes="Zoon zit thuis.")  # fmt: skip
    caller = case.callers.get()
    caller.parental_authority = "yes"
    caller.save()

    ten = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
    reminded, done, not_reached, _still_planned = (
        callback_planned(anna, ten + dt.timedelta(minutes=minutes), assigned_to=anna, case=case)
        for minutes in (0, 30, 60, 120)
    )
    callbacks_remind_due(now=reminded.due_at - dt.timedelta(minutes=settings.CALLBACK_REMINDER_LEAD_MINUTES))
    callback_finish(callback=done, by=anna, status=CallbackStatus.DONE, note="Gesproken")
    callback_finish(callback=not_reached, by=anna, status=CallbackStatus.NOT_REACHED, note="Voicemail")
    callback_planned(anna, ten + dt.timedelta(minutes=150), assigned_to=None)  # the team queue's

    overdue_case = case_with_call(bram, child_name="Daan")
    due = timezone.now() - dt.timedelta(days=1)
    Callback.objects.create(
        case=overdue_case, assigned_to=bram, planned_by=bram, due_at=due, window_ends_at=due + dt.timedelta(minutes=15),
        subject="Uitslag gesprek met school", status=CallbackStatus.REMINDED, escalated_at=due + dt.timedelta(hours=1),
    )  # fmt: skip

    loket = Loket.objects.get(code="onderwijsconsulent")
    referral = referral_services.referral_make(case=case, loket=loket, by=anna, advice=None,
                                               manual_reason="Thuiszitter")  # fmt: skip
    purpose = Purpose.objects.get(code="share-summary-consultant")
    consent = {
        "case": case, "purpose": purpose, "recipient_code": loket.code, "recipient_name": loket.name,
        "categories": ["contact", "school"], "child_name": "Yara", "giver_id": caller.pk,
        "giver_name": caller.name, "giver_authority": "yes", "method": "phone",
        "valid_until": timezone.now() + dt.timedelta(days=90), "by": anna,
    }  # fmt: skip
    consent_services.consent_give(**consent)
    withdrawn = consent_services.consent_give(**consent)
    consent_services.consent_withdraw(record=withdrawn, by=anna, reason="Moeder wil eerst zelf met school praten")

    for status in (CaseStatus.IN_PROGRESS, CaseStatus.REFERRED, CaseStatus.AWAITING_CALLBACK):
        other = case_with_call(anna, child_name=f"Kind {status}")
        case_set_status(case=other, expected_version=other.version, by=anna, status=status)
    closed = case_with_call(anna, child_name="Sem")
    case_close(case=closed, expected_version=closed.version, by=anna, reason=CloseReason.ANSWERED)
    case_request_review(case=case_with_call(anna, child_name="Noor"), by=anna, question="Klopt dit advies?")
    case_with_call(bram, child_name="Lotte")  # a new case of someone else's
    inbox_services.inbox_form_receive(sender_address="192.0.2.1", name="Marieke Jansen", phone=caller.phone,
                                      question="Mijn zoon zit al weken thuis.")  # fmt: skip

    ref = case.reference
    return {
        "case": f"/zaken/{ref}/",
        "call_add": f"/zaken/{ref}/gesprek/",
        "callback_plan": f"/zaken/{ref}/terugbellen/",
        "case_edit": f"/zaken/{ref}/bewerken/",
        "child_edit": f"/zaken/{ref}/kind/",
        "caller_add": f"/zaken/{ref}/beller/nieuw/",
        "consent": f"/zaken/{ref}/toestemming/",
        "consent_overview": f"/zaken/{ref}/toestemming/overzicht/",
        "refer_manual": f"/zaken/{ref}/verwijzen/eigen/",
        "referral": f"/zaken/{ref}/verwijzingen/{referral.pk}/",
        "history": f"/zaken/{ref}/geschiedenis/",
        "subject_access": f"/zaken/{ref}/inzage/",
        "search": "/zoeken/?q=Jansen",
    }


@pytest.fixture
def helpline(transactional_db, fixed_clock):
    anna = UserFactory(username="anna", first_name="Anna", role=roles.ADVISOR)
    bram = UserFactory(username="bram", first_name="Bram", role=roles.ADVISOR)
    carla = UserFactory(username="carla", first_name="Carla", role=roles.TEAM_LEAD)
    return {"anna": anna, "carla": carla, "paths": _a_full_helpline(anna, bram)}


def _failed_save(report: AxeReport, path: str, name: str) -> None:
    """Send the form on `path` empty, as a hurried advisor might, and check the page with its errors."""
    report.page.goto(path)
    form = report.page.locator("main form[method=post]").last
    form.evaluate("form => { form.noValidate = true; }")  # the server's errors, not the browser's bubbles
    form.locator("[type=submit]").last.click()
    report.page.wait_for_load_state("networkidle")
    assert report.page.locator(".is-invalid, .invalid-feedback").count(), f"{path}: the save did not fail"
    report.check(name)


_SHARED_PAGES = ["/", "/gesprek/", "/zaken/mijn/", "/zaken/", "/terugbellen/", "/meldingen/", "/inbox/"]
_SHARED_CASE_PAGES = ["case", "call_add", "callback_plan", "case_edit", "child_edit", "caller_add", "consent",
                      "consent_overview", "refer_manual", "referral", "search"]  # fmt: skip
_TEAM_LEAD_PAGES = ["/teamleider/", "/teamleider/zaken/", "/teamleider/review/", "/teamleider/cijfers/",
                    "/terugbellen/te-laat/", "/teamleider/terugbellen/", "/teamleider/inzagelog/",
                    "/teamleider/bewaartermijn/"]  # fmt: skip


def test_the_advisors_pages_have_no_serious_wcag_violations(page: Page, helpline, sign_in, axe_report):
    sign_in(helpline["anna"])
    for path in _SHARED_PAGES + [helpline["paths"][name] for name in _SHARED_CASE_PAGES]:
        axe_report.visit(path)
    _failed_save(axe_report, "/gesprek/", "/gesprek/ after a failed save")
    _failed_save(axe_report, helpline["paths"]["consent"], "consent form after a failed save")
    axe_report.assert_clean()


def test_the_team_leads_pages_have_no_serious_wcag_violations(page: Page, helpline, sign_in, axe_report):
    sign_in(helpline["carla"])
    paths = helpline["paths"]
    for path in _SHARED_PAGES + _TEAM_LEAD_PAGES + [paths[name] for name in _SHARED_CASE_PAGES]:
        axe_report.visit(path)
    axe_report.visit(paths["history"])
    axe_report.visit(paths["subject_access"])
    _failed_save(axe_report, "/gesprek/", "/gesprek/ after a failed save")
    axe_report.assert_clean()


def _half_signed_in(user) -> Client:
    """Past the password but not yet past the second factor."""
    client = Client()
    client.force_login(user)
    return client


def _use_session(page: Page, base_url: str, client: Client, **session) -> None:
    """Give the browser the test client's session, with `session` added to it."""
    stored = client.session
    stored.update(session)
    stored.save()
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])


def test_the_public_and_sign_in_pages_have_no_serious_wcag_violations(
    page: Page, base_url, transactional_db, axe_report
):
    axe_report.visit("/contact/")
    _failed_save(axe_report, "/contact/", "the parents' contact form after a failed send")
    axe_report.visit("/login/")
    page.get_by_label("Gebruikersnaam").fill("niemand")
    page.get_by_label("Wachtwoord").fill("fout")
    page.get_by_role("button", name="Aanmelden").click()
    axe_report.check("/login/ after a wrong password")

    newcomer = UserFactory(username="nieuw", role=roles.ADVISOR)
    _use_session(page, base_url, _half_signed_in(newcomer))
    axe_report.visit("/aanmelden/instellen/")

    returning = UserFactory(username="terug", role=roles.ADVISOR)
    confirmed_device(returning)
    _use_session(page, base_url, _half_signed_in(returning))
    axe_report.visit("/aanmelden/code/")
    # Shown once, right after the app is set up.
    _use_session(page, base_url, signed_in_client(returning), **{BACKUP_CODES_SESSION_KEY: ["12345678", "23456789"]})
    axe_report.visit("/aanmelden/reservecodes/")
    axe_report.assert_clean()
