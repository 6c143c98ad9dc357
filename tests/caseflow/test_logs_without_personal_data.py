"""The logs carry no personal data of a parent or child.

A realistic day runs while every log record is captured as LOG_LEVEL=DEBUG would let it
through (the root at DEBUG; caseflow.security, axes, celery, django.request, django.security
and whatever else logs): a call logged with a caller, child, phone numbers, e-mail and notes
that appear nowhere else; searches for them; refusals (403) for roles that may not look, a
form sent without its CSRF token and a request for another host, both carrying those details;
failed sign-ins up to a lockout, a wrong second-factor code, an idle session that ends;
a call-back planned, reminded (the beat task, with its e-mail), escalated and finished;
an erasure on request and the nightly retention run. None of those details may appear
in any record's message, its arguments or its exception text. User ids, case references
and paths are what the log lines say instead.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from caseflow.audit.tasks import retention_nightly
from caseflow.callbacks import office_hours
from caseflow.callbacks.forms import slot_value
from caseflow.callbacks.tasks import callbacks_tick
from caseflow.cases.models import Case
from caseflow.cases.services import case_close
from intake.models import Caller
from tests.factories import case_with_call
from tests.intake.support import new_call
from tests.signin import confirmed_device

CALLER = "Wilhelmina Oosterhuis-Bakkali"
CHILD = "Jozefien"
EMAIL = "w.oosterhuis@voorbeeld-ouder.nl"
PHONE = "06-87654321"  # +31687654321
PHONE_ALT = "020 765 4321"  # +31207654321
NOTES = "Juf Kwakernaak zegt dat Jozefien niet meer welkom is."
SCHOOL = "Basisschool De Zonnewijzer-Tuindorp"

# Every part a log line might hold, whole or in pieces, in any case.
WORDS = ["Wilhelmina", "Oosterhuis", "Bakkali", CHILD, "Kwakernaak", "w.oosterhuis", "voorbeeld-ouder",
         "Zonnewijzer", "niet meer welkom"]  # fmt: skip
# The numbers in any notation: E.164, national, with spaces, dashes, dots or none.
NUMBERS = [re.compile(r"\D{0,2}".join("87654321")), re.compile(r"\D{0,2}".join("7654321"))]


class _Keep(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


# Loggers that do not propagate are listened to themselves (django.server, and any a library sets so).
# Test tooling (factory_boy, Faker) is not the app: its records are left out.
TOOLING = ("factory", "faker")


@contextmanager
def every_log_record() -> Iterator[list[logging.LogRecord]]:
    """Every record the app's logging would emit with LOG_LEVEL=DEBUG.

    The root logger goes to DEBUG, as LOG_LEVEL=DEBUG sets it; every other logger keeps the
    level it is configured with (Django's own stay at INFO, see the test below), and those
    that do not propagate to the root get the handler as well.
    """
    keep = _Keep()
    root = logging.getLogger()
    others = [logger for logger in logging.root.manager.loggerDict.values() if isinstance(logger, logging.Logger)]
    listened = [root, *(logger for logger in others if not logger.propagate)]
    level = root.level
    root.setLevel(logging.DEBUG)
    for logger in listened:
        logger.addHandler(keep)
    try:
        yield keep.records
    finally:
        for logger in listened:
            logger.removeHandler(keep)
        root.setLevel(level)


_FORMAT = logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s")


def record_text(record: logging.LogRecord) -> str:
    """All a handler could write of a record: the formatted line, exception and stack, msg and args."""
    return "\n".join([_FORMAT.format(record), repr(record.msg), repr(record.args)])


def personal_data_in(text: str) -> list[str]:
    found = [word for word in WORDS if word.lower() in text.lower()]
    return found + [number.pattern for number in NUMBERS if number.search(text)]


@pytest.fixture
def half_signed_in(advisor) -> Client:
    """The advisor after the password, before the code."""
    client = Client()
    client.force_login(advisor)
    confirmed_device(advisor)
    return client


def _log_the_call(advisor_client) -> Case:
    sent = new_call(**{
        "beller-name": CALLER, "beller-phone": PHONE, "beller-phone_alt": PHONE_ALT, "beller-email": EMAIL,
        "kind-first_name": CHILD, "kind-school_name": SCHOOL, "gesprek-notes": NOTES,
        "gesprek-advice": f"{CHILD} kan naar de intern begeleider.", "zaak-summary": f"{CHILD} zit thuis",
    })  # fmt: skip
    # The autosave while typing, then the call itself.
    screen = advisor_client.get(reverse("intake:call_new")).context
    grant = {"draft_grant": screen["draft_grant"], "form_token": str(screen["form_token"])}
    assert advisor_client.post(reverse("intake:draft_save"), {**sent, **grant}).status_code == 200
    # A slip first (the number one digit short), refused with the rest kept; then the call.
    slip = advisor_client.post(reverse("intake:call_new"), {**sent, **grant, "beller-phone": "06-8765432"})
    assert slip.status_code == 200
    assert advisor_client.post(reverse("intake:call_new"), {**sent, **grant}).status_code == 302
    return Caller.objects.get(name=CALLER).case


def _search(advisor_client, case: Case) -> None:
    for query in (CALLER, "oosterhuis", PHONE, "+31687654321", "0207654321", CHILD, case.reference):
        response = advisor_client.get(reverse("intake:search"), {"q": query}, headers={"HX-Request": "true"})
        assert case.reference in response.content.decode(), query
        assert advisor_client.get(reverse("intake:call_new"), {"q": query}).status_code == 200


def _refusals(advisor_client, administrator_client, case: Case) -> None:
    assert administrator_client.get(case.get_absolute_url()).status_code == 403
    assert administrator_client.get(reverse("intake:search"), {"q": CALLER}).status_code == 403
    assert advisor_client.get(reverse("case_history", args=[case.reference])).status_code == 403
    assert advisor_client.get(reverse("subject_access", args=[case.reference]), {"formaat": "json"}).status_code == 403
    assert advisor_client.get("/zaken/OO-2099-9999/").status_code == 404
    expired = advisor_client.post(reverse("intake:draft_save"), {"beller-name": CALLER, "draft_grant": "x"})
    assert expired.status_code == 400
    forged = Client(enforce_csrf_checks=True).post(reverse("login"), {"username": CALLER, "password": PHONE})
    assert forged.status_code == 403
    elsewhere = Client().get(reverse("intake:search"), {"q": CALLER}, headers={"host": "ouders.evil.example"})
    assert elsewhere.status_code == 400


def _sign_in_failures(half_signed_in) -> None:
    # An advisor who types the parent's name and number into the sign-in form (the wrong window).
    assert Client().post(reverse("login"), {"username": CALLER, "password": PHONE}).status_code == 200
    assert Client().post(reverse("login"), {"username": EMAIL, "password": CHILD}).status_code == 200
    for attempt in range(django_settings.AXES_FAILURE_LIMIT):
        answer = Client().post(reverse("login"), {"username": "anna", "password": f"{CHILD}{attempt}"})
    assert answer.status_code == 429
    assert half_signed_in.post(reverse("two_factor_verify"), {"code": "123456"}).status_code == 200


def _call_back(advisor, advisor_client, case: Case, django_capture_on_commit_callbacks) -> None:
    slot = next(s for s in office_hours.slots(after=timezone.now() + dt.timedelta(hours=1), days=3))
    planned = advisor_client.post(
        reverse("callback_plan", args=[case.reference]),
        {"assigned_to": str(advisor.pk), "slot": slot_value(slot), "window": "15", "phone": PHONE,
         "subject": f"{CHILD}: {NOTES}"},
    )  # fmt: skip
    assert planned.status_code == 302
    callback = case.callbacks.get()
    # The beat task at the due time (reminder, and its e-mail), and after the window (escalation).
    for at in (callback.due_at - dt.timedelta(minutes=1), callback.window_ends_at + dt.timedelta(hours=2)):
        with time_machine.travel(at, tick=False), django_capture_on_commit_callbacks(execute=True):
            callbacks_tick.delay()
    callback.refresh_from_db()
    assert callback.reminded_at is not None and callback.escalated_at is not None
    assert len(mail.outbox) == 1
    finished = advisor_client.post(
        reverse("callback_finish", args=[callback.pk]), {"status": "done", "note": f"{CALLER} gesproken op {PHONE}"}
    )
    assert finished.status_code == 302


def _erase_and_expire(advisor, team_lead_client, case: Case) -> None:
    export = team_lead_client.get(reverse("subject_access", args=[case.reference]), {"formaat": "json"})
    assert export.status_code == 200
    erased = team_lead_client.post(reverse("case_erase", args=[case.reference]), {"reason": "Verzoek per e-mail"})
    assert erased.status_code == 302
    # An older case of the same family, closed long ago: the nightly run anonymises it.
    old = case_with_call(advisor, caller_name=CALLER, phone="+31687654321", child_name=CHILD, notes=NOTES)
    case_close(case=old, expected_version=old.version, by=advisor, reason="answered")
    with time_machine.travel(timezone.now() + dt.timedelta(days=31 * 25), tick=False):
        retention_nightly.delay()
    old.refresh_from_db()
    assert old.anonymised_at is not None


def test_a_day_of_work_logs_no_personal_data(
    advisor, advisor_client, administrator_client, team_lead_client, half_signed_in, settings,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    settings.CALLBACK_REMINDER_EMAIL = True
    with every_log_record() as records:
        case = _log_the_call(advisor_client)
        _search(advisor_client, case)
        _refusals(advisor_client, administrator_client, case)
        _sign_in_failures(half_signed_in)
        _call_back(advisor, advisor_client, case, django_capture_on_commit_callbacks)
        _erase_and_expire(advisor, team_lead_client, case)
        with time_machine.travel(timezone.now() + dt.timedelta(minutes=16), tick=False):
            assert advisor_client.get(reverse("start")).status_code == 302  # idle: signed out

    lines = [record_text(record) for record in records if not record.name.startswith(TOOLING)]
    # The capture works: the refusals, the lockout, the wrong code and the idle sign-out are all there.
    for expected in (
        "forbidden user_id=",
        "sign-in locked out user_id=",
        "second factor refused user_id=",
        "session ended (idle) user_id=",
        "Not Found: /zaken/OO-2099-9999/",
        "Bad Request: /concept/",
        "Forbidden (CSRF cookie not set.): /login/",
        "Invalid HTTP_HOST header",
    ):
        assert any(expected in line for line in lines), f"not logged: {expected}"  # fmt: skip
    assert {record.name.split(".")[0] for record in records} >= {"caseflow", "django", "axes", "celery"}

    leaks = [(personal_data_in(line), line[:300]) for line in lines if personal_data_in(line)]
    assert leaks == [], "personal data in the logs"
    # The e-mail reminder says no more than the log does.
    for message in mail.outbox:
        assert personal_data_in(f"{message.subject}\n{message.body}") == []


def test_debug_logging_leaves_djangos_template_lines_out(settings):
    """LOG_LEVEL=DEBUG lowers the root logger only. Django's loggers stay at INFO (Django's
    default logging, which settings.LOGGING keeps): at DEBUG, django.template writes the repr
    of a template's context (callers' names, notes) for every variable it cannot resolve."""
    from django.utils.log import DEFAULT_LOGGING

    assert DEFAULT_LOGGING["loggers"]["django"]["level"] == "INFO"
    assert settings.LOGGING.get("disable_existing_loggers") is False
    configured = settings.LOGGING.get("loggers", {})
    assert all(configured.get(name, {}).get("level", "INFO") != "DEBUG" for name in ("django", "django.template"))
    assert logging.getLogger("django").level == logging.INFO
    assert logging.getLogger("django.template").getEffectiveLevel() >= logging.INFO


def test_the_check_finds_the_details_in_every_notation():
    """The needles: a log line with any of the details, in any notation, is caught."""
    for text in (CALLER.upper(), "+31687654321", "06 87654321", "06-87 65 43 21", "0687654321", "+31 20 765 4321",
                 "020-7654321", EMAIL, f"name={CHILD.lower()}", NOTES):  # fmt: skip
        assert personal_data_in(f"INFO caseflow something {text} happened"), text
    line = "2026-11-23 10:31:49,880 WARNING caseflow.security forbidden user_id=12 method=GET path=/zaken/OO-2026-0001/"
    assert personal_data_in(line) == []
