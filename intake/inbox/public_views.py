"""The two ways into the inbox from outside, the only pages besides sign-in open without one:
the parents' contact form and the telephony provider's voicemail webhook."""

from __future__ import annotations

import hmac
import json
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from caseflow.lib.phones import TYPED_MAX_LENGTH, phone_e164_or_none
from intake.inbox import services
from intake.inbox.forms import ContactForm
from intake.inbox.ratelimit import client_address

# The confirmation page learns when the message came in from a signed value in its URL: no
# session (and no cookie with it) is made for a parent, and nobody can make the page promise
# another time.
_CONFIRMATION_SALT = "intake.inbox.contact-sent"
_CONFIRMATION_MAX_AGE = 24 * 3600

# --- The contact form -------------------------------------------------------------------------


@login_not_required
@require_http_methods(["GET", "POST"])
def contact_form(request: HttpRequest) -> HttpResponse:
    """The parents' contact form. Refused with a clear message, and nothing stored, when the hidden
    honeypot field is filled in or the address has sent its share this hour."""
    status = 200
    if request.method == "POST":
        form = ContactForm(request.POST)
        if form.is_valid():
            try:
                message = services.inbox_form_receive(sender_address=client_address(request), **form.message_fields())
            except ValidationError as refusal:
                form.add_error(None, refusal)
                status = 429
            else:
                sent = signing.dumps(message.received_at.isoformat(), salt=_CONFIRMATION_SALT)
                return redirect(f"{reverse('inbox:contact_sent')}?{urlencode({'bericht': sent})}")
        else:
            status = 400
    else:
        form = ContactForm()
    return render(request, "intake/inbox/contact.html", _public_context({"form": form}), status=status)


def _public_context(context: dict) -> dict:
    """What the parents' pages tell: the office hours, and how long we keep a message."""
    opens, closes = settings.OFFICE_HOURS
    return {**context, "opens": opens, "closes": closes, "retention_months": settings.RETENTION_CLOSED_MONTHS}


@login_not_required
@require_GET
def contact_sent(request: HttpRequest) -> HttpResponse:
    """The confirmation: when the helpline will call back."""
    try:
        received_at = datetime.fromisoformat(
            signing.loads(request.GET.get("bericht", ""), salt=_CONFIRMATION_SALT, max_age=_CONFIRMATION_MAX_AGE)
        )
    except (signing.BadSignature, TypeError, ValueError):
        received_at = None  # an old or altered link: the page still thanks, without a time
    callback_from = services.callback_expected_from(received_at) if received_at else None
    context = _public_context({"callback_from": callback_from and timezone.localtime(callback_from)})
    return render(request, "intake/inbox/contact_sent.html", context)


# --- Voicemail from the telephony provider ---------------------------------------------------

TRANSCRIPT_MAX_LENGTH = 20_000
REFERENCE_MAX_LENGTH = 200
LONGEST_VOICEMAIL_SECONDS = 24 * 3600
# The provider's clock may run a little ahead of ours.
CLOCK_SKEW = timedelta(minutes=5)


def _bearer_token(request: HttpRequest) -> str:
    scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _token_valid(provider: str, token: str) -> bool:
    """Compared in constant time; an unknown provider is compared too, so the answer's timing tells
    nobody which providers exist."""
    expected = settings.VOICEMAIL_TOKENS.get(provider)
    matches = hmac.compare_digest(token.encode(), (expected or "\x00" * 32).encode())
    return expected is not None and bool(token) and matches


def _unauthorised() -> JsonResponse:
    response = JsonResponse({"error": _("A valid bearer token for this provider is needed.")}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="voicemail"'
    return response


def _bad_request(message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=400)


class _Refused(Exception):
    """A voicemail report that does not say what we need; the message says what is wrong."""


def _text(body: dict, name: str, max_length: int) -> str:
    value = body.get(name, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _Refused(_("“%(name)s” must be a text.") % {"name": name})
    if len(value) > max_length:
        raise _Refused(_("“%(name)s” is longer than %(max)s characters.") % {"name": name, "max": max_length})
    return value.replace("\x00", "").strip()


def _received_at(body: dict) -> datetime:
    value = body.get("received_at")
    moment = parse_datetime(value) if isinstance(value, str) else None
    if moment is None or timezone.is_naive(moment):
        raise _Refused(_("“received_at” must be a date and time with its offset, like 2027-01-15T20:03:00+01:00."))
    if moment > timezone.now() + CLOCK_SKEW:
        raise _Refused(_("“received_at” lies in the future."))
    return moment


def _duration(body: dict) -> int | None:
    value = body.get("duration_seconds")
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= LONGEST_VOICEMAIL_SECONDS:
        raise _Refused(_("“duration_seconds” must be a whole number of seconds from 0 to 86400."))
    return value


def _voicemail_fields(body) -> dict:
    if not isinstance(body, dict):
        raise _Refused(_("The body must be a JSON object."))
    caller_number = _text(body, "caller_number", TYPED_MAX_LENGTH)
    fields = {
        "caller_number": caller_number,
        # A number we cannot read (withheld, "anonymous") is kept as reported; the message still counts.
        "phone": phone_e164_or_none(caller_number) or "",
        "received_at": _received_at(body),
        "duration_seconds": _duration(body),
        "recording_ref": _text(body, "recording_ref", REFERENCE_MAX_LENGTH),
        "transcript": _text(body, "transcript", TRANSCRIPT_MAX_LENGTH),
    }
    if not (fields["recording_ref"] or fields["transcript"]):
        raise _Refused(_("A voicemail needs a “recording_ref” or a “transcript”."))
    return fields


@csrf_exempt  # a server calls here, with its bearer token instead of a browser's cookie
@login_not_required
@require_POST
def voicemail(request: HttpRequest, provider: str) -> HttpResponse:
    """POST /api/voicemail/<provider>/ with `Authorization: Bearer <token>` and a JSON body:
    caller_number, received_at (ISO 8601 with offset), duration_seconds, recording_ref, transcript.
    201 with the message's id; 200 for a recording reported before; 401 without a valid token;
    400 saying what is wrong with the body. Nothing is stored unless it answers 201."""
    if not _token_valid(provider, _bearer_token(request)):
        return _unauthorised()
    try:
        body = json.loads(request.body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return _bad_request(_("The body is not valid JSON."))
    try:
        fields = _voicemail_fields(body)
    except _Refused as refusal:
        return _bad_request(str(refusal))
    message, created = services.inbox_voicemail_receive(provider=provider, **fields)
    return JsonResponse({"id": message.pk}, status=201 if created else 200)
