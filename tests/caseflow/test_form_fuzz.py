"""Every form of Caseflow fed random, odd and huge input (hypothesis), as the user who may send it.

For each page that takes a form (SPECS), a row says who sends it, where, and a valid filled-in
form; its fields come from the form classes themselves, each with its choices and the edges of
its kind (dates that do not exist, integers beyond 64 bits, text one over its max_length).
Each example replaces a few fields with random text, control characters (NUL too), right-to-left
marks, emoji, lone combining characters, digits that are not 0-9, values of 100,000 characters,
empty values, repeated values or no value at all, and sends the form. Whatever comes in:

- the answer is never a server error (the test client raises the view's exception);
- a saved form goes on (a redirect, or a 200 for the pages that answer in place);
- a refused form comes back with its errors on the page (or an error message after a redirect),
  and nothing of it is written: every row of the case data is as it was. A request that only a
  crafted client sends (a hidden input changed, a text input left out) must write nothing and
  break nothing, but may come back without a message.

Each example runs in a transaction that is rolled back (and the client's cookies are put back),
so every example starts from the same case, call-back, referral and consent. FOUND keeps the
inputs that once gave a server error; they are sent on every run. FUZZ_EXAMPLES=200 hunts longer.
The last test: markup and template syntax saved through the forms show as text on the pages.
"""

from __future__ import annotations

import copy
import datetime as dt
import html
import os
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
import time_machine
from django import forms
from django.apps import apps
from django.contrib.messages import constants as message_levels
from django.db import transaction
from django.test import Client
from django.test.utils import ContextList
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caseflow.accounts.two_factor import CodeForm, SignInForm
from caseflow.audit.models import AccessLog
from caseflow.audit.views import AccessLogFilter, ErasureForm
from caseflow.callbacks import office_hours
from caseflow.callbacks.forms import CallbackOutcomeForm, CallbackPlanForm, CallbackTimeForm, slot_value
from caseflow.callbacks.services import callback_schedule
from caseflow.cases.forms import CaseCloseForm, CaseEditForm, CaseReopenForm, CaseStatusForm, case_workers
from caseflow.cases.models import Case, Topic
from caseflow.cases.parties import case_parties
from caseflow.cases.services import case_close
from caseflow.team.filters import QueueFilter
from caseflow.team.views import ReassignForm
from consent.forms import ConsentGiveForm, WithdrawForm
from consent.models import Purpose
from consent.recipients import recipient_choices
from consent.services import consent_give
from intake.drafts import DraftGrant, draft_grant_sign
from intake.filters import CaseFilter
from intake.forms import CallerForm, CallForm, ChildForm
from intake.inbox.forms import ContactForm, MessageToCallForm
from intake.inbox.services import inbox_voicemail_receive
from intake.views import NEW_CALL_FORMS
from referrals.forms import ManualReferralForm, ReferralStatusForm
from referrals.models import Loket
from referrals.services import referral_make
from tests.factories import TEST_PASSWORD, case_with_call
from tests.intake.support import days_ago, form_grant, new_call
from tests.signin import confirmed_device, signed_in_client

# Per page; FUZZ_EXAMPLES=200 for a longer hunt than the suite's.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))
BACKUP_CODE = "12345678"  # the second factor of the half-signed-in advisor, so that `next` is reached

# --- What is typed ----------------------------------------------------------------------------

CONTROL = [chr(c) for c in (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0))]
ODD = [
    "\u202e", "\u202c", "\u200f", "\u200e", "\u061c",  # right-to-left and left-to-right marks
    "\u200b", "\u200d", "\ufeff", "\u00ad", "\u2028", "\u2029", "\u3000",  # invisible, line and odd spaces
    "\u0301", "\u0308", "\u20dd",  # combining marks, alone
    "😀", "👨\u200d👩\u200d👧", "🇳🇱", "\U0010ffff", "\ufffd",
    "مرحبا", "שלום", "ß", "İ", "ﬁ", "Å",
    "²", "³", "½", "٣", "०", "０６", "⑥",  # digits that are not 0-9: isdigit() is not int()
    "<", ">", "&", '"', "'", "\\", "%", "{", "}", "/", "+", "-", ":", " ",
]  # fmt: skip
NASTY = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "{{ 7*7 }}", "{% debug %}", "${7*7}",
    "%s", "%(name)s", "{0}", "' OR '1'='1", "Robert'); DROP TABLE caseflow_case;--", "../../etc/passwd",
    "null", "None", "undefined", "true", "[]", "{}", "NaN", "-Infinity", "1e400", "-0", "0", "-1",
    "99999999999999999999999999", "2147483648", "-9223372036854775809", "1.5", "0x10",
    "0001-01-01", "9999-12-31", "2026-02-30", "31-12-2025", "0001-01-01T00:00", "9999-12-31T23:59",
    "2026-03-29T02:30", "2025-10-26T02:30", "2026-13-45T25:61", "0001-01-01T00:00:00+14:00",
    "+31612345678", "06-12345678", "0031 6 1234 5678", "+999 123", "+31 6 " + "1" * 40,
    "OO-2026-0001", "oo 2026 1", "2026-1", "\x00", "\x00" * 20, "a\x00b", " ", "\t", "\r\n", "\r\n" * 50,
    "²", "1²", "٣", "1" * 5000, "reviews", "callbacks_today", "start", "0", "abc",
    "ĳ", "🇳🇱" * 60, "\u0301" * 200, "\u202eredro", "a" * 301, "a" * 1001, "1" * 17,
]  # fmt: skip
HUGE = 100_000


def _huge(seed: str) -> str:
    return (seed * (HUGE // len(seed) + 1))[:HUGE]


def typed(known: tuple[str, ...] = ()) -> st.SearchStrategy[str]:
    """One value for one field: anything a keyboard, a paste or a crafted request sends, and
    (twice as often) the field's `known` values: its choices and the edges of its type."""
    options = [
        st.just(""),
        st.text(st.characters(codec="utf-8"), max_size=40),  # any code point a request can carry
        st.lists(st.sampled_from(CONTROL + ODD), min_size=1, max_size=12).map("".join),
        st.sampled_from(NASTY),
        st.text(st.characters(codec="utf-8"), min_size=1, max_size=3).map(_huge),
        st.sampled_from(["x", "9", "<", "é", "😀", "\x00", "\u0301", "a b"]).map(_huge),
        st.builds(lambda n, c: c * n, st.integers(1, 1100), st.sampled_from(["x", "é", " x", "😀"])),  # long
    ]
    if known:
        options += [st.sampled_from(known)] * 2
    return st.one_of(options)


MISSING = object()  # the field is left out of the request altogether


def value_for(known: tuple[str, ...]) -> st.SearchStrategy:
    return st.one_of(
        typed(known),
        st.lists(typed(known), min_size=2, max_size=4),  # the same name sent more than once
        st.just(MISSING),
    )


# The edges of each kind of field, beside its own choices.
DATES = ("2026-02-30", "2026-13-01", "0001-01-01", "9999-12-31", "31-12-2025", "2026-1-1", "20260101",
         "２０２６-０１-０１")  # fmt: skip
DATETIMES = ("2026-02-30T10:00", "0001-01-01T00:00", "9999-12-31T23:59", "2026-03-29T02:30", "2025-10-26T02:30",
             "2026-01-01T24:00", "01-01-2026 10:00", "2026-01-01T10:00:00+14:00")  # fmt: skip
NUMBERS = ("0", "-1", "2147483647", "2147483648", "9223372036854775808", "1" * 40, "1.0", "1e3", "٣", "²")


def _edges(field: forms.Field) -> tuple[str, ...]:
    edges: list[str] = []
    if isinstance(field, forms.DateTimeField):
        edges += DATETIMES
    elif isinstance(field, forms.DateField):
        edges += DATES
    if isinstance(field, forms.IntegerField):
        limits = [limit for limit in (field.min_value, field.max_value) if limit is not None]
        edges += [*NUMBERS, *(str(limit + step) for limit in limits for step in (-1, 0, 1))]
    if isinstance(field, forms.BooleanField):
        edges += ["on", "true", "false", "0"]
    if max_length := getattr(field, "max_length", None):
        edges += [char * length for char in ("x", "é", "😀") for length in (max_length, max_length + 1)]
    return tuple(edges)


# --- The forms ----------------------------------------------------------------------------------


class World:
    """What the forms work on: a case with a caller, child, call, call-back, referral and consent."""

    advisor: object
    team_lead: object
    clients: dict[str, Client]
    case: Case
    closed_case: Case
    callback: object
    referral: object
    record: object
    slot: str

    def __init__(self, **parts):
        self.__dict__.update(parts)

    def __repr__(self) -> str:
        return f"World({self.case}, {self.closed_case})"


# Inputs a browser leaves out of the request when nothing is ticked or selected.
LEFT_OUT_WHEN_EMPTY = (forms.CheckboxInput, forms.RadioSelect, forms.CheckboxSelectMultiple, forms.SelectMultiple)


def _form_fields(form: forms.BaseForm) -> dict[str, tuple[tuple[str, ...], bool]]:
    """The names a form reads (with its prefix), each with its known values (its choices and the
    edges of its kind) and whether a browser may leave it out (an unticked box or radio)."""
    fields = {}
    for name, form_field in form.fields.items():
        choices = getattr(form_field, "choices", None)
        valid = tuple(str(value) for value, _label in choices if str(value) != "") if choices is not None else ()
        choice = isinstance(form_field.widget, LEFT_OUT_WHEN_EMPTY)
        fields[form.add_prefix(name)] = (valid + _edges(form_field), choice)
    return fields


@dataclass(frozen=True)
class Spec:
    """One page that takes a form: who sends it, where, a valid filled-in form, and the form classes."""

    name: str
    persona: str  # "advisor", "team_lead", "anonymous" or "half_signed_in" (password, no code yet)
    url: Callable[[World], str]
    valid: Callable[[World], dict]
    forms: Callable[[World], list[forms.BaseForm]] = lambda world: []
    # Fields that are not in a form class: hidden inputs, or a view that reads request.POST itself.
    extra: dict[str, tuple[str, ...]] = field(default_factory=dict)
    method: str = "post"
    # How a refusal shows: "form" re-renders the form with its errors; "message" redirects
    # with an error message; "answer" (GET pages, draft autosave) has no refusal to show.
    refusal: str = "form"
    ok: frozenset[int] = frozenset({200, 302})

    def __repr__(self) -> str:
        return f"Spec({self.name!r})"

    def fields(self, world: World) -> dict[str, tuple[tuple[str, ...], bool]]:
        found = {}
        for form in self.forms(world):
            found.update(_form_fields(form))
        return {**found, **{name: (known, False) for name, known in self.extra.items()}}


def _case_url(name: str, attr: str = "case") -> Callable[[World], str]:
    return lambda world: reverse(name, args=[getattr(world, attr).reference])


def _prefixed(prefix: str) -> dict:
    return {key: value for key, value in new_call().items() if key.startswith(f"{prefix}-")}


def _caller_fields() -> dict:
    return {key.removeprefix("beller-"): value for key, value in _prefixed("beller").items()}


def _child_fields() -> dict:
    return {key.removeprefix("kind-"): value for key, value in _prefixed("kind").items()}


def _new_call_forms(world: World) -> list[forms.BaseForm]:
    return [form_class(prefix=prefix) for prefix, form_class in NEW_CALL_FORMS.items()]


def _draft_grant(world: World, slot: str) -> str:
    """The signed grant the call form carries, as the page would have given it."""
    return draft_grant_sign(DraftGrant(author_id=world.advisor.pk, slot=slot, form_token=uuid.uuid4()))


def _consent_valid(world: World) -> dict:
    purpose = Purpose.objects.get(code="share-summary-consultant")
    recipient = next(code for code, _name in recipient_choices() if code != "regelrecht" and purpose.is_for(code))
    return {
        "purpose": str(purpose.pk),
        "purpose_version": str(purpose.version),  # the text shown on the form
        "recipient": recipient,
        "categories": ["contact", "school"],
        "giver": str(world.case.callers.get().pk),
        "method": "phone",
        "valid_until": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
    }


SPECS = [
    # The call screen: caller, child, call and case in one form, and its draft autosave.
    Spec(
        "call_new", "advisor", lambda w: reverse("intake:call_new"),
        valid=lambda w: {**new_call(), "form_token": str(uuid.uuid4())},
        forms=_new_call_forms, extra={"form_token": (), "draft_grant": ()},
    ),
    Spec(
        "draft_save", "advisor", lambda w: reverse("intake:draft_save"),
        valid=lambda w: {**new_call(), "draft_grant": _draft_grant(w, "new")},
        forms=_new_call_forms, extra={"draft_grant": (), "form_token": ()},
        refusal="answer", ok=frozenset({200, 204, 400}),
    ),
    Spec(
        "draft_discard", "advisor", lambda w: reverse("intake:draft_discard"),
        valid=lambda w: {"concept": "1", "next": reverse("intake:call_new")}, extra={"concept": (), "next": ()},
        refusal="answer",
        ok=frozenset({302, 404}),
    ),
    Spec(
        "call_add", "advisor", _case_url("intake:call_add"),
        valid=lambda w: {**_prefixed("gesprek"), "form_token": str(uuid.uuid4())},
        forms=lambda w: [CallForm(prefix="gesprek")], extra={"form_token": (), "draft_grant": ()},
    ),
    Spec(
        "child_edit", "advisor", _case_url("intake:child_edit"),
        valid=lambda w: {**_child_fields(), "version": str(w.case.version)},
        forms=lambda w: [ChildForm()], extra={"version": ()},
    ),
    Spec(
        "caller_edit", "advisor",
        lambda w: reverse("intake:caller_edit", args=[w.case.reference, w.case.callers.get().pk]),
        valid=lambda w: {**_caller_fields(), "version": str(w.case.version)},
        forms=lambda w: [CallerForm()], extra={"version": ()},
    ),
    Spec(
        "caller_add", "advisor", _case_url("intake:caller_add"),
        valid=lambda w: {**_caller_fields(), "version": str(w.case.version)},
        forms=lambda w: [CallerForm()], extra={"version": ()},
    ),
    # The case itself.
    Spec(
        "case_edit", "advisor", _case_url("case_edit"),
        valid=lambda w: {"version": str(w.case.version), "summary": "Andere samenvatting",
                         "topics": [str(Topic.objects.first().pk)], "owner": str(w.team_lead.pk)},
        forms=lambda w: [CaseEditForm()],
    ),
    Spec(
        "case_status", "advisor", _case_url("case_status"),
        valid=lambda w: {"version": str(w.case.version), "status": "in_progress"},
        forms=lambda w: [CaseStatusForm()],
    ),
    Spec(
        "case_close", "advisor", _case_url("case_close"),
        valid=lambda w: {"version": str(w.case.version), "reason": "other", "note": "Ouder belt niet meer"},
        forms=lambda w: [CaseCloseForm()],
    ),
    Spec(
        "case_reopen", "advisor", _case_url("case_reopen", "closed_case"),
        valid=lambda w: {"version": str(w.closed_case.version)}, forms=lambda w: [CaseReopenForm()],
    ),
    # Call-backs.
    Spec(
        "callback_plan", "advisor", _case_url("callback_plan"),
        valid=lambda w: {"assigned_to": str(w.advisor.pk), "slot": w.slot, "window": "30",
                         "phone": "06 12345678", "subject": "Uitslag gesprek met school"},
        forms=lambda w: [CallbackPlanForm()], extra={"previous": ()}, ok=frozenset({200, 302, 404}),
    ),
    Spec(
        "callback_reschedule", "advisor", lambda w: reverse("callback_reschedule", args=[w.callback.pk]),
        valid=lambda w: {"slot": w.slot, "window": "60", "next": reverse("callbacks_today")},
        forms=lambda w: [CallbackTimeForm()], extra={"next": ("/", "//evil.example/", "https://evil.example")},
    ),
    Spec(
        "callback_finish", "advisor", lambda w: reverse("callback_finish", args=[w.callback.pk]),
        valid=lambda w: {"status": "not_reached", "note": "Voicemail", "next": reverse("callbacks_today")},
        forms=lambda w: [CallbackOutcomeForm()], extra={"next": ("/", "//evil.example/")}, refusal="message",
        ok=frozenset({302}),
    ),
    Spec(
        "callback_slots", "advisor", lambda w: reverse("callback_slots"), method="get",
        valid=lambda w: {"assigned_to": str(w.advisor.pk), "vanaf": timezone.localdate().isoformat()},
        extra={"assigned_to": (), "vanaf": ()}, refusal="answer", ok=frozenset({200}),
    ),
    # Referrals: the live advice beside the call form (htmx GET), referring on the advice, on one's own.
    Spec(
        "advice_preview", "advisor", lambda w: reverse("referrals:advice_preview"), method="get",
        valid=lambda w: {"zaak": w.case.reference, **_prefixed("gesprek"), "kind-school_type": "vo"},
        forms=lambda w: [CallForm(prefix="gesprek"), ChildForm(prefix="kind")], extra={"zaak": ()},
        refusal="answer", ok=frozenset({200}),
    ),
    Spec(
        "refer", "advisor", _case_url("referrals:refer"),
        valid=lambda w: {"loket": "school", "rule": "school-first"}, extra={"loket": ("school",), "rule": ()},
        refusal="message", ok=frozenset({302, 404}),
    ),
    Spec(
        "refer_manual", "advisor", _case_url("referrals:refer_manual"),
        valid=lambda w: {"loket": "school", "reason": "Ouder wil eerst met de leerkracht praten"},
        forms=lambda w: [ManualReferralForm()],
    ),
    Spec(
        "referral_status", "advisor",
        lambda w: reverse("referrals:referral_status", args=[w.case.reference, w.referral.pk]),
        valid=lambda w: {"status": "declined", "decline_reason": "Vol", "notes": "Wachtlijst"},
        forms=lambda w: [ReferralStatusForm()],
    ),
    # Consent.
    Spec(
        "consent_give", "advisor", _case_url("consent:give"), valid=_consent_valid,
        forms=lambda w: [ConsentGiveForm(parties=case_parties(w.case))],
    ),
    Spec(
        "consent_withdraw", "advisor",
        lambda w: reverse("consent:withdraw", args=[w.case.reference, w.record.pk]),
        valid=lambda w: {"reason": "Ouder trekt in"}, forms=lambda w: [WithdrawForm()],
    ),
    # Reviews.
    Spec(
        "review_request", "advisor", _case_url("review_request"), valid=lambda w: {"question": "Klopt mijn advies?"},
        extra={"question": ("x" * 500, "x" * 501)}, refusal="message", ok=frozenset({302}),
    ),
    Spec(
        "review_done", "team_lead", _case_url("review_done"),
        valid=lambda w: {"comment": "Goed advies", "next": "reviews"},
        extra={"comment": ("x" * 5000,), "next": ("reviews",)}, refusal="message", ok=frozenset({302}),
    ),
    # The team lead's queue: its filters (GET) and reassigning (POST).
    Spec(
        "team_queue_filter", "team_lead", lambda w: reverse("team_queue"), method="get",
        valid=lambda w: {"status": "all", "sort": "-contact"},
        forms=lambda w: [QueueFilter(queryset=Case.objects.all(), owners=list(case_workers())).form],
        extra={"pagina": ("1", "2", "last")}, refusal="answer", ok=frozenset({200}),
    ),
    Spec(
        "team_queue_reassign", "team_lead", lambda w: reverse("team_queue"),
        valid=lambda w: {"overdragen-cases": [str(w.case.pk)], "overdragen-owner": "none"},
        forms=lambda w: [ReassignForm(prefix="overdragen", owners=list(case_workers()))],
    ),
    # Privacy: retention hold, erasure, the access log.
    Spec(
        "retention_hold", "team_lead", _case_url("retention_hold"), valid=lambda w: {"reason": "Klacht loopt"},
        extra={"reason": ("x" * 300, "x" * 301)}, refusal="message", ok=frozenset({302}),
    ),
    Spec(
        "case_erase", "team_lead", _case_url("case_erase"), valid=lambda w: {"reason": "Verzoek per e-mail"},
        forms=lambda w: [ErasureForm()],
    ),
    Spec(
        "access_log_filter", "team_lead", lambda w: reverse("access_log"), method="get",
        valid=lambda w: {"user": str(w.advisor.pk), "since": days_ago(7), "until": days_ago(0), "action": "view"},
        forms=lambda w: [AccessLogFilter(queryset=AccessLog.objects.all()).form],
        extra={"pagina": ("1", "2")}, refusal="answer", ok=frozenset({200}),
    ),
    # Finding a case, and the case lists.
    Spec(
        "search", "advisor", lambda w: reverse("intake:search"), method="get", valid=lambda w: {"q": "Noor"},
        extra={"q": ()}, refusal="answer", ok=frozenset({200}),
    ),
    Spec(
        "call_new_search", "advisor", lambda w: reverse("intake:call_new"), method="get",
        valid=lambda w: {"q": "06 10000000"}, extra={"q": ()}, refusal="answer", ok=frozenset({200}),
    ),
    Spec(
        "all_cases", "advisor", lambda w: reverse("intake:all_cases"), method="get",
        valid=lambda w: {"status": "all"}, forms=lambda w: [CaseFilter(queryset=Case.objects.all()).form],
        extra={"pagina": ("1",)}, refusal="answer", ok=frozenset({200}),
    ),
    Spec(
        "team_figures", "team_lead", lambda w: reverse("team_figures"), method="get", valid=lambda w: {"weken": "4"},
        extra={"weken": ("4", "12", "26", "52")}, refusal="answer", ok=frozenset({200}),
    ),
    # The inbox: the parents' public contact form, and an advisor making a message a call.
    Spec(
        "contact", "anonymous", lambda w: reverse("inbox:contact"),
        valid=lambda w: {"name": "Fatima", "phone": "06 12345678", "email": "f@example.nl", "child_first_name": "Noor",
                         "school_type": "po", "question": "Noor zit thuis.", "website": ""},
        forms=lambda w: [ContactForm()], ok=frozenset({200, 302, 400}),
    ),
    Spec(
        "message_to_call", "advisor", lambda w: reverse("inbox:message_to_call", args=[w.inbox_message.pk]),
        valid=lambda w: {f"bericht-{w.inbox_message.pk}-{name}": value for name, value in {
            "target": "new", "reference": "", "caller_name": "Els", "child_first_name": "Sem", "school_type": "po",
            "notes": "Terugbellen"}.items()},
        forms=lambda w: [MessageToCallForm(message=w.inbox_message, matches=[])],
    ),
    # Signing in: the password, then the code.
    Spec(
        "login", "anonymous", lambda w: reverse("login"),
        valid=lambda w: {"username": "anna", "password": TEST_PASSWORD, "next": "/"},
        forms=lambda w: [SignInForm()], extra={"next": ("/", "//evil.example/")},
        ok=frozenset({200, 302, 429}),
    ),
    Spec(
        "two_factor_verify", "half_signed_in", lambda w: reverse("two_factor_verify"),
        valid=lambda w: {"code": BACKUP_CODE, "next": "/zaken/mijn/"}, forms=lambda w: [CodeForm()],
        extra={"next": ("/", "//evil.example/", "/zaken/mijn/")},
    ),
    Spec(
        "set_language", "advisor", lambda w: reverse("set_language"),
        valid=lambda w: {"language": "en", "next": "/"}, extra={"language": ("nl", "en"), "next": ("/",)},
        refusal="answer", ok=frozenset({302}),
    ),
]  # fmt: skip


# --- The world and its fingerprint -----------------------------------------------------------


@pytest.fixture
def world(advisor, team_lead) -> World:
    case = case_with_call(advisor, child_name="Noor", birth_year=2012)
    closed = case_with_call(advisor, child_name="Sem", birth_year=2011)
    closed = case_close(case=closed, expected_version=closed.version, by=advisor, reason="answered")
    slots = office_hours.slots(after=timezone.now(), days=5)
    # A free morning slot with room for the widest window, for the plan and reschedule forms.
    free = next(slot for slot in slots[1:] if timezone.localtime(slot).time() == office_hours.slot_times()[0])
    callback = callback_schedule(case=case, by=advisor, assigned_to=advisor, due_at=slots[0],
                                 window_minutes=15, subject="Bellen", phone="+31612345678")  # fmt: skip
    referral = referral_make(case=case, loket=Loket.objects.get(code="regelrecht"), by=advisor, advice=None,
                             manual_reason="Juridisch")  # fmt: skip
    record = consent_give(
        case=case, purpose=Purpose.objects.get(code="share-summary-consultant"), recipient_code="regelrecht",
        recipient_name="Regelrecht", categories=["contact"], child_name="Noor", giver_id=case.callers.get().pk,
        giver_name="Fatima", giver_authority="yes", method="phone",
        valid_until=timezone.now() + dt.timedelta(days=9), by=advisor,
    )  # fmt: skip
    case.refresh_from_db()
    half = Client()
    half.force_login(advisor)
    confirmed_device(advisor)
    StaticDevice.objects.create(user=advisor, name="backup").token_set.create(token=BACKUP_CODE)
    clients = {
        "advisor": signed_in_client(advisor),
        "team_lead": signed_in_client(team_lead),
        "anonymous": Client(),
        "half_signed_in": half,
    }
    return World(
        advisor=advisor,
        team_lead=team_lead,
        clients=clients,
        case=case,
        closed_case=closed,
        callback=callback,
        referral=referral,
        record=record,
        slot=slot_value(free),
        inbox_message=inbox_voicemail_receive(
            provider="belco", phone="+31687654321", caller_number="+31687654321", received_at=timezone.now(),
            duration_seconds=30, recording_ref="rec-1", transcript="Bel mij terug",
        )[0],  # fmt: skip
    )


_CASE_DATA_APPS = ("caseflow", "intake", "referrals", "consent")
# Not case data: who looked (a search is logged, by design) and the accounts (last sign-in).
_NOT_COMPARED = {AccessLog._meta.label, "caseflow.User", "caseflow.HistoricalUser"}


def fingerprint() -> dict[str, list[dict]]:
    """Every row of the case data, to show that a refused form wrote nothing (not half of itself)."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label in _CASE_DATA_APPS and model._meta.label not in _NOT_COMPARED:
            rows[model._meta.label] = list(model._base_manager.order_by("pk").values())
    return rows


@contextmanager
def rolled_back() -> Iterator[None]:
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


# --- Sending and judging ----------------------------------------------------------------------------


def _send(spec: Spec, world: World, data: dict):
    client = world.clients[spec.persona]
    url = spec.url(world)
    if spec.method == "get":
        return client.get(url, data)
    return client.post(url, data)


def _bound_forms(response) -> list[forms.BaseForm]:
    found = []
    contexts = response.context if isinstance(response.context, ContextList) else [response.context]
    for context in contexts:
        if context is None:
            continue
        for value in context.flatten().values():
            form = getattr(value, "form", value)  # a FilterSet carries its form
            if isinstance(form, forms.BaseForm) and form.is_bound and form not in found:
                found.append(form)
    return found


def _error_messages(response) -> list[str]:
    """The error messages this request added (not ones an earlier example left in the cookie)."""
    added = getattr(response.wsgi_request, "_messages", None)
    return [str(m) for m in getattr(added, "_queued_messages", []) if m.level >= message_levels.ERROR]


def _page(response) -> str:
    return response.content.decode("utf-8", errors="replace")


def _refusal_shown(spec: Spec, response) -> tuple[bool, str]:
    """Whether the answer says why the form was not saved, and what it says."""
    if spec.refusal == "message":
        messages = _error_messages(response)
        return bool(messages), " ".join(messages)
    page = _page(response)
    if response.context and response.context.get("duplicates"):
        return all(case.reference in page for case in response.context["duplicates"]), "possible duplicates"
    errors = [str(e) for form in _bound_forms(response) for errs in form.errors.values() for e in errs]
    errors += _error_messages(response)  # the queue shows a refused reassignment as a message
    if response.status_code == 429:
        return "geblokkeerd" in page, "locked out"
    missing = [e for e in errors if html.escape(e) not in page and e not in page]
    return bool(errors) and not missing, f"errors {errors[:3]!r}, not on the page: {missing[:3]!r}"


def _refused(spec: Spec, response) -> bool:
    if spec.refusal == "message":
        return bool(_error_messages(response))
    if spec.refusal == "answer":
        return spec.method == "get" or response.status_code >= 400
    return response.status_code != 302


def _shorten(data: dict) -> dict:
    def short(value):
        if isinstance(value, list):
            return [short(v) for v in value]
        return value if len(value) <= 60 else f"{value[:40]!r}...({len(value)} chars)"

    return {name: short(value) for name, value in data.items()}


# Hidden inputs the page fills in itself: a browser never sends them changed. A request that
# tampers with them (or leaves out a text input) must break nothing and write nothing, but
# need not get a message: some forms re-render as they were, without one.
HIDDEN = {"version", "form_token", "draft_grant", "next", "previous"}


def submit_and_judge(spec: Spec, world: World, data: dict, tampered: bool) -> None:
    client = world.clients[spec.persona]
    cookies = copy.deepcopy(client.cookies)  # the session and messages cookies: as before, afterwards
    try:
        _judge(spec, world, data, tampered)
    finally:
        client.cookies = cookies


def _judge(spec: Spec, world: World, data: dict, tampered: bool) -> None:
    with rolled_back():
        before = fingerprint()
        response = _send(spec, world, data)
        status = response.status_code
        assert status < 500, f"{spec.name}: server error {status} for {_shorten(data)}"
        assert status in spec.ok, f"{spec.name}: unexpected {status} for {_shorten(data)}"
        if _refused(spec, response):
            if spec.refusal != "answer" and not tampered:
                shown, what = _refusal_shown(spec, response)
                assert shown, f"{spec.name}: refused without saying why ({what}) for {_shorten(data)}"
            assert fingerprint() == before, f"{spec.name}: a refused form wrote rows, for {_shorten(data)}"


# --- The tests ------------------------------------------------------------------------------------


def _spec_ids() -> list[str]:
    return [spec.name for spec in SPECS]


def assert_valid_form_accepted(spec: Spec, world: World) -> None:
    """The starting point of the fuzzing is a form the page saves (else only the refusals are exercised)."""
    client = world.clients[spec.persona]
    cookies = copy.deepcopy(client.cookies)
    with rolled_back():
        response = _send(spec, world, spec.valid(world))
        assert response.status_code in spec.ok
        errors = [form.errors for form in _bound_forms(response)] + _error_messages(response)
        assert spec.refusal == "answer" or not _refused(spec, response), f"{spec.name}: valid form refused: {errors}"
    client.cookies = cookies


@pytest.mark.parametrize("spec", SPECS, ids=_spec_ids())
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_no_input_breaks_a_form_and_a_refused_form_writes_nothing(spec, world, data):
    if not getattr(world, "valid_form_checked", False):  # once per page, not per example
        assert_valid_form_accepted(spec, world)
        world.valid_form_checked = True
    fields = spec.fields(world)
    payload = spec.valid(world)
    names = sorted(set(fields) | set(payload))
    chosen = data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=min(4, len(names)), unique=True))
    tampered = False
    for name in chosen:
        known, choice = fields.get(name, ((), False))
        value = data.draw(value_for(known), label=name)
        if value is MISSING:
            payload.pop(name, None)
            # A browser sends every text input, if only empty; it leaves out unticked boxes and radios.
            tampered = tampered or not choice
        else:
            payload[name] = value
        tampered = tampered or name in HIDDEN
    submit_and_judge(spec, world, payload, tampered)


# Inputs that once answered with a server error (found by the test above, some on PostgreSQL
# only); sent again every run, as hypothesis may not draw them again.
FOUND = [
    ("draft_discard", {"concept": "1" * 5000}),  # int() refuses more than 4,300 digits
    ("draft_discard", {"concept": "²"}),  # isdigit(), but not int()
    ("draft_discard", {"concept": "1\x00"}),  # PostgreSQL: no NUL in a query
    ("draft_save", {"gesprek-notes": "a\x00b", "beller-\x00": "x"}),  # PostgreSQL: no NUL in JSON
    ("callback_plan", {"previous": "0" * HUGE}),
    ("callback_plan", {"previous": "²"}),
    ("callback_slots", {"assigned_to": "³"}),
    ("callback_finish", {"status": "", "next": "0"}),  # redirect() took a bare word for a view name
    ("callback_finish", {"status": "", "next": ":"}),
    ("callback_reschedule", {"next": "abc"}),
    ("two_factor_verify", {"next": "abc"}),
    ("advice_preview", {"gesprek-at_home_since": "2026-02-30"}),  # well formed, no date
    ("advice_preview", {"zaak": "OO-2026-0001\x00"}),
    ("refer", {"loket": "school\x00"}),
    ("review_request", {"question": "x" * 501}),  # PostgreSQL: longer than the column
    ("review_request", {"question": "Klopt\x00dit?"}),
    ("review_done", {"comment": "\x00"}),
    ("retention_hold", {"reason": "x" * 301}),
    ("retention_hold", {"reason": "Klacht\x00"}),
    ("case_erase", {"reason": "x" * 300}),  # PostgreSQL: the history's change reason holds 100
    ("login", {"username": "0" * HUGE}),  # PostgreSQL: django-axes' username column holds 255
    ("callback_slots", {"vanaf": "9999-12-30"}),  # five working days from then: past the calendar's end
    ("callback_reschedule", {"slot": "9999-12-31T23:00"}),  # its window ends past the calendar's end
    ("team_queue_reassign", {"overdragen-cases": "9223372036854775808"}),  # SQLite: `pk__in` overflows
    ("case_edit", {"topics": ["1", "9223372036854775808"]}),
    ("call_add", {"gesprek-topics": "-9223372036854775809"}),
]


def _found_id(name: str, changes: dict) -> str:
    return f"{name}-{'-'.join(changes)}".replace("\x00", "NUL")


@pytest.mark.parametrize(("name", "changes"), FOUND, ids=[_found_id(name, changes) for name, changes in FOUND])
def test_inputs_that_once_broke_a_page_no_longer_do(world, name, changes):
    spec = next(spec for spec in SPECS if spec.name == name)
    submit_and_judge(spec, world, {**spec.valid(world), **changes}, tampered=bool(HIDDEN & set(changes)))


def test_every_form_class_of_the_app_is_in_the_table():
    """A new form class fails here until it is fuzzed (or said to be covered by another row)."""
    covered = {
        CallerForm, ChildForm, CallForm, CaseEditForm, CaseStatusForm, CaseCloseForm, CaseReopenForm,
        CallbackPlanForm, CallbackTimeForm, CallbackOutcomeForm, ManualReferralForm, ReferralStatusForm,
        ConsentGiveForm, WithdrawForm, ReassignForm, ErasureForm, CodeForm, SignInForm, *NEW_CALL_FORMS.values(),
        ContactForm, MessageToCallForm,
    }  # fmt: skip
    from caseflow.cases.forms import VersionedForm

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = {
        cls for cls in subclasses(forms.BaseForm)
        if cls.__module__.split(".")[0] in _CASE_DATA_APPS and not cls.__name__.startswith("_")
        and cls is not VersionedForm and not cls.__module__.endswith("admin")
    }  # fmt: skip
    assert ours - covered == set(), "form classes no fuzz row sends"


# --- Markup and template syntax show as text ------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
TEMPLATE = "{{ 7*7 }}"
PAYLOAD = f"{SCRIPT} {IMG} {TEMPLATE}"


def assert_shown_as_text(page: str, where: str) -> None:
    assert html.escape(SCRIPT, quote=False) in page, f"{where}: the script is not shown as text"
    assert html.escape(IMG, quote=False) in page, f"{where}: the image tag is not shown as text"
    assert TEMPLATE in page, f"{where}: the template syntax is not shown as typed"
    assert SCRIPT not in page and "<img src=x" not in page, f"{where}: markup from a form reached the page"
    assert not re.search(r">\s*49\s*<", page), f"{where}: template syntax was evaluated"


def test_markup_and_template_syntax_typed_into_the_forms_show_as_text(world, advisor_client, team_lead_client):
    # The call screen: names, notes, advice, next step and summary.
    response = advisor_client.post(
        reverse("intake:call_new"),
        {
            **new_call(**{"beller-name": f"Fatima {PAYLOAD}"[:120], "kind-first_name": "Yara <b>",
                          "gesprek-notes": PAYLOAD, "gesprek-advice": PAYLOAD, "gesprek-next_step": PAYLOAD,
                          "zaak-summary": PAYLOAD}),
            **form_grant(advisor_client, reverse("intake:call_new")),
        },
    )  # fmt: skip
    assert response.status_code == 302, _bound_forms(response)
    case = Case.objects.get(summary=PAYLOAD)
    # A call-back about it and a review question, each through its form.
    plan = advisor_client.post(
        reverse("callback_plan", args=[case.reference]),
        {"assigned_to": str(world.advisor.pk), "slot": world.slot, "window": "15", "phone": "0612345678",
         "subject": PAYLOAD},
    )  # fmt: skip
    assert plan.status_code == 302, _bound_forms(plan)
    asked = advisor_client.post(reverse("review_request", args=[case.reference]), {"question": PAYLOAD})
    assert asked.status_code == 302

    case_page = advisor_client.get(case.get_absolute_url()).content.decode()
    assert_shown_as_text(case_page, "case page")

    # The call-back list shows what is due today: on the morning of the call-back.
    with time_machine.travel(case.callbacks.get().due_at - dt.timedelta(hours=1), tick=False):
        listed = signed_in_client(world.advisor).get(reverse("callbacks_today")).content.decode()
    assert case.reference in listed
    assert_shown_as_text(listed, "call-back list")

    history = team_lead_client.get(reverse("case_history", args=[case.reference])).content.decode()
    assert_shown_as_text(history, "history page")

    found = advisor_client.get(reverse("intake:search"), {"q": "Fatima script alert"}).content.decode()
    assert case.reference in found
    assert_shown_as_text(found, "search results")
    assert "Yara &lt;b&gt;" in found and "Yara <b>" not in found

    reviews = team_lead_client.get(reverse("team_reviews")).content.decode()
    assert_shown_as_text(reviews, "review queue")
