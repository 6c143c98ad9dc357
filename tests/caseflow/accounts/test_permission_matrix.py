"""The permission matrix: every URL pattern of the project, for anonymous visitors,
advisors, team leads and administrators, with the answer each must get to a GET.

A new page fails this test until it is added to EXPECTED with its answers: no page
can slip in without someone deciding who may open it. Refusals (403) are logged.
Answers: 200 opens; 302 sends on (anonymous: to sign in); 403 refused; 404 not yours or
not there; 405 only takes POST (the POST itself checks the permission, see the tests
of each app).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Iterator

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from caseflow.accounts import roles
from caseflow.accounts.models import User
from caseflow.callbacks import office_hours
from caseflow.callbacks.services import callback_schedule
from caseflow.cases.models import Case, Topic
from caseflow.notifications.models import Notification
from consent.models import ConsentRecord, Disclosure, Purpose
from consent.services import consent_give
from intake.inbox.services import inbox_form_receive
from intake.models import InboxMessage
from referrals.models import Loket, Referral, RuleParameter
from referrals.services import referral_make, referral_send_package
from tests.factories import TEST_PASSWORD, UserFactory, case_with_call
from tests.signin import signed_in_client
from tests.urlwalk import all_pages

ROLES = ("anonymous", "advisor", "team_lead", "administrator")


def _row(anonymous: int, advisor: int, team_lead: int, administrator: int) -> dict[str, int]:
    return dict(zip(ROLES, (anonymous, advisor, team_lead, administrator), strict=True))


def _all(anonymous: int, everyone: int) -> dict[str, int]:
    return _row(anonymous, everyone, everyone, everyone)


CASE_WORK = _row(302, 200, 200, 403)  # advisors and team leads work on cases; administrators do not
CASE_WORK_POST = _row(302, 405, 405, 405)
TEAM_LEAD = _row(302, 403, 200, 403)
TEAM_LEAD_POST = _row(302, 405, 405, 405)

EXPECTED: dict[str, dict[str, int]] = {
    # Open to all, or to every signed-in user.
    "login": _row(200, 302, 302, 302),
    "healthz": _all(200, 200),
    "favicon": _all(302, 302),  # on to the icon in static/
    "set_language": _all(302, 302),  # a GET only goes back; choosing is a POST
    "start": _all(302, 200),
    "logout": _row(302, 405, 405, 405),
    "two_factor_setup": _all(302, 302),  # enrolled already: on to the code page
    "two_factor_verify": _all(302, 200),
    "two_factor_backup_codes": _all(302, 302),  # shown once, right after enrolling
    "session_extend": _all(302, 405),
    # The draft autosave answers to its signed grant, not to the session.
    "intake:draft_save": _all(405, 405),
    "intake:draft_discard": _all(302, 405),
    # The inbox's ways in from outside: the parents' contact form, and the provider's voicemail
    # webhook (POST with its bearer token: tests/intake/test_inbox_voicemail.py).
    "inbox:contact": _all(200, 200),
    "inbox:contact_sent": _all(200, 200),
    "inbox:voicemail": _all(405, 405),
    "inbox:inbox": CASE_WORK,
    "inbox:message_to_call": CASE_WORK_POST,
    "inbox:pick_up": CASE_WORK_POST,
    "inbox:put_back": CASE_WORK_POST,
    # Case work.
    "case_detail": CASE_WORK,
    "case_edit": CASE_WORK,
    "case_status": CASE_WORK,
    "case_close": CASE_WORK,
    "case_reopen": _row(302, 200, 200, 403),
    "callback_plan": CASE_WORK,
    "callbacks_today": CASE_WORK,
    "callback_slots": CASE_WORK,
    "callback_finish": CASE_WORK_POST,
    "callback_reschedule": CASE_WORK,
    "notifications": CASE_WORK,
    "notification_badge": CASE_WORK,
    "notifications_read": CASE_WORK_POST,
    "notification_open": _row(302, 302, 404, 403),  # the example notification is the advisor's
    "review_request": CASE_WORK_POST,
    "intake:call_new": CASE_WORK,
    "intake:search": CASE_WORK,
    "intake:my_cases": CASE_WORK,
    "intake:all_cases": CASE_WORK,
    "intake:call_add": CASE_WORK,
    "intake:child_edit": CASE_WORK,
    "intake:caller_add": CASE_WORK,
    "intake:caller_edit": CASE_WORK,
    "referrals:advice_preview": CASE_WORK,
    "referrals:refer": CASE_WORK_POST,
    "referrals:refer_manual": CASE_WORK,
    "referrals:referral_status": CASE_WORK,
    "referrals:send_package": CASE_WORK,  # GET shows the package last sent (a reload); POST sends
    "consent:give": CASE_WORK,
    "consent:overview": CASE_WORK,
    "consent:withdraw": CASE_WORK,
    "consent:notice_done": CASE_WORK_POST,
    "consent:panel_export": TEAM_LEAD,  # the page; the CSV itself is its POST (tests/consent/test_parent_panel.py)
    # The team lead's pages.
    "team_dashboard": TEAM_LEAD,
    "team_queue": TEAM_LEAD,
    "team_reviews": TEAM_LEAD,
    "team_figures": TEAM_LEAD,
    "team_figures_csv": TEAM_LEAD,
    "callbacks_overdue": TEAM_LEAD,
    "team_callbacks": TEAM_LEAD,
    "review_done": TEAM_LEAD_POST,
    "case_history": TEAM_LEAD,
    "subject_access": TEAM_LEAD,
    "case_erase": TEAM_LEAD,
    "retention_hold": TEAM_LEAD_POST,
    "retention_release": TEAM_LEAD_POST,
    "access_log": TEAM_LEAD,
    "retention_queue": TEAM_LEAD,
}


# The management site (Django admin). Its example paths point at rows that may or may not
# exist, so what is listed is the decision, not the exact code: OPEN is the page itself or
# its redirect to the list (200, 302 or 404), REFUSED is 403 (logged). Anonymous visitors
# are always sent to sign in (302); advisors are always refused.
OPEN, REFUSED = "open", 403


def _admin(*names: str, team_lead, administrator) -> dict[str, dict]:
    return {name: _row(302, REFUSED, team_lead, administrator) for name in names}


def _admin_models(*models: str, read, add, delete) -> dict[str, dict]:
    """Every admin page of these models ("app_model"); each of read/add/delete is (team lead, administrator)."""
    kinds = {"changelist": read, "change": read, "history": read, "config": read, "qrcode": read,
             "add": add, "delete": delete}  # fmt: skip
    entries = {}
    for model in models:
        app, name = model.rsplit("_", 1) if model.startswith("otp_") else model.split("_", 1)
        for view, (lead, admin) in kinds.items():
            entries[f"admin:{model}_{view}"] = _row(302, REFUSED, lead, admin)
        # simple-history's version page and the old-style object URL only redirect (to a page that checks).
        entries[f"admin:{model}_simple_history"] = _row(302, REFUSED, 302, 302)
        entries[f"admin/{app}/{name}/<path:object_id>/"] = _row(302, REFUSED, 302, 302)
    return entries


NOBODY, ADMIN_ONLY, BOTH = (REFUSED, REFUSED), (REFUSED, OPEN), (OPEN, OPEN)
ADMIN_EXPECTED = {
    **_admin("admin:index", "admin:password_change", "admin:password_change_done", "admin:jsi18n",
             "admin:app_list", "admin:login", "admin:view_on_site", "admin/(?P<url>.*)$",
             team_lead=OPEN, administrator=OPEN),
    **_admin("admin:logout", team_lead=405, administrator=405),
    **_admin("admin:autocomplete", team_lead=REFUSED, administrator=REFUSED),
    **_admin("admin:auth_user_password_change", team_lead=REFUSED, administrator=OPEN),
    # Administrators manage accounts, groups and the second-factor devices (a lost phone)...
    **_admin_models("caseflow_user", "auth_group", "otp_totp_totpdevice", "otp_static_staticdevice",
                    read=ADMIN_ONLY, add=ADMIN_ONLY, delete=ADMIN_ONLY),
    # ... and read the sign-in attempts django-axes keeps (to lift a lockout), which nobody writes by hand.
    **_admin_models("axes_accessattempt", "axes_accesslog", "axes_accessfailurelog",
                    read=ADMIN_ONLY, add=NOBODY, delete=ADMIN_ONLY),
    # Team leads keep the directory data; organisations, parameters and purposes are never deleted.
    **_admin_models("caseflow_topic", read=BOTH, add=BOTH, delete=ADMIN_ONLY),
    **_admin_models("referrals_loket", "consent_purpose", read=BOTH, add=BOTH, delete=NOBODY),
    **_admin_models("referrals_ruleparameter", read=BOTH, add=NOBODY, delete=NOBODY),
    # Case data: team leads read it (never change it) in the admin; an administrator reads no cases.
    **_admin_models("caseflow_case", "referrals_referral", "consent_consentrecord", "consent_disclosure",
                    "intake_inboxmessage", read=(OPEN, REFUSED), add=NOBODY, delete=NOBODY),
}  # fmt: skip


@pytest.fixture
def people(db) -> dict[str, Client | None]:
    advisor = UserFactory(username="anna", first_name="Anna", role=roles.ADVISOR)
    team_lead = UserFactory(username="carla", first_name="Carla", role=roles.TEAM_LEAD)
    administrator = UserFactory(username="beheer", is_superuser=True, is_staff=True)
    return {
        "anonymous": Client(),
        "advisor": signed_in_client(advisor),
        "team_lead": signed_in_client(team_lead),
        "administrator": signed_in_client(administrator),
        "_advisor": advisor,
    }


def _example_rows(advisor) -> dict[str, str]:
    """Rows for the example ids of the walk: a case, a call-back, a referral, a consent, a notification."""
    case = case_with_call(advisor)
    slot = office_hours.slots(after=timezone.now(), days=1)[0]
    callback = callback_schedule(case=case, by=advisor, assigned_to=advisor, due_at=slot, window_minutes=15,
                                 subject="Bellen", phone="+31612345678")  # fmt: skip
    referral = referral_make(case=case, loket=Loket.objects.get(code="regelrecht"), by=advisor, advice=None,
                             manual_reason="Juridisch")  # fmt: skip
    record = consent_give(
        case=case, purpose=Purpose.objects.get(code="share-summary-consultant"), recipient_code="regelrecht",
        recipient_name="Regelrecht", categories=["contact"], child_name="Yara", giver_id=None, giver_name="Fatima",
        giver_authority="yes", method="phone", valid_until=timezone.now() + dt.timedelta(days=9), by=advisor,
    )  # fmt: skip
    notification = Notification.objects.create(recipient=advisor, key="k", kind="reminder", case=case)
    referral_send_package(referral=referral, by=advisor)  # a disclosure
    StaticDevice.objects.create(user=advisor, name="backup")
    inbox_form_receive(sender_address="192.0.2.1", name="Fatima", phone="+31612345678", question="Bel mij")
    sign_in_page = reverse("login")
    Client().post(sign_in_page, {"username": advisor.username, "password": TEST_PASSWORD})  # an access log row
    Client().post(sign_in_page, {"username": advisor.username, "password": "wrong"})  # a failed attempt
    return {
        "reference": case.reference, "pk": str(callback.pk), "referral_id": str(referral.pk),
        "caller_id": str(case.callers.get().pk),
        "record_id": str(record.pk), "notice_id": "1", "notification": str(notification.pk),
        "key": "calls-per-week",
    }  # fmt: skip


def _path(page, rows: dict[str, str]) -> str:
    """The walk's example path, with the example rows' real references and ids put in."""
    if page.name.startswith("admin"):
        return _admin_path(page.path.replace("/x/", "/1/"))
    match = resolve(page.path)
    ids = {"pk": rows["notification"] if page.name == "notification_open" else rows["pk"]}
    kwargs = {name: ids.get(name, rows.get(name)) for name in match.kwargs}
    return reverse(page.name, kwargs=kwargs)


# The admin's example object (id 1 in the walk) replaced by a row that exists.
_ADMIN_ROWS = {
    "caseflow/case": lambda: Case.objects.get(),
    "referrals/referral": lambda: Referral.objects.get(),
    "consent/consentrecord": lambda: ConsentRecord.objects.get(),
    "consent/disclosure": lambda: Disclosure.objects.get(),
    "intake/inboxmessage": lambda: InboxMessage.objects.get(),
    "caseflow/user": lambda: User.objects.get(username="anna"),
    "caseflow/topic": lambda: Topic.objects.first(),
    "referrals/loket": lambda: Loket.objects.first(),
    "referrals/ruleparameter": lambda: RuleParameter.objects.first(),
    "consent/purpose": lambda: Purpose.objects.first(),
    "auth/group": lambda: Group.objects.first(),
    "otp_totp/totpdevice": lambda: TOTPDevice.objects.first(),
    "otp_static/staticdevice": lambda: StaticDevice.objects.get(),
    "axes/accessattempt": lambda: AccessAttempt.objects.get(),
    "axes/accesslog": lambda: AccessLog.objects.first(),
    "axes/accessfailurelog": lambda: AccessFailureLog.objects.get(),
}  # fmt: skip


def _admin_path(path: str) -> str:
    for model, row in _ADMIN_ROWS.items():
        prefix = f"/admin/{model}/1/"
        if path.startswith(prefix):
            return path.replace(prefix, f"/admin/{model}/{row().pk}/")
    return path


def _as_listed(expected: dict, observed: dict) -> bool:
    return all(
        observed[role] in (200, 302, 404) if answer == OPEN else observed[role] == answer
        for role, answer in expected.items()
    )


def _answers(people, path: str, caplog) -> Iterator[tuple[str, int, bool]]:
    """Each role's answer to a GET, and whether a refusal was logged."""
    for role in ROLES:
        logged_before = caplog.text.count("forbidden user_id=")
        status = people[role].get(path).status_code
        yield role, status, caplog.text.count("forbidden user_id=") > logged_before


def test_every_page_is_in_the_matrix_and_answers_each_role_as_listed(people, caplog):
    rows = _example_rows(people["_advisor"])
    pages = all_pages()
    expected = {**EXPECTED, **ADMIN_EXPECTED}
    unlisted = sorted(page.name for page in pages if page.name not in expected)
    assert unlisted == [], f"pages without an entry in EXPECTED: {unlisted}"

    wrong, unlogged = [], []
    with caplog.at_level(logging.WARNING, logger="caseflow.security"):
        for page in pages:
            path = _path(page, rows)
            answers = list(_answers(people, path, caplog))
            observed = {role: status for role, status, _ in answers}
            if not _as_listed(expected[page.name], observed):
                wrong.append(f"{page.name} {path}: expected {expected[page.name]}, got {observed}")
            unlogged += [f"{page.name} as {role}" for role, status, logged in answers if status == 403 and not logged]
    if os.environ.get("PRINT_MATRIX"):
        print("\n".join(wrong + unlogged))
    assert wrong == []
    assert unlogged == [], "every refusal is logged with the user's id"
