"""The telephony provider's voicemail webhook: a bearer token per provider, a JSON body, and
nothing stored unless both are right."""

import datetime as dt
import json

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from intake.models import InboxMessage
from tests.intake.inbox_support import (
    FRIDAY_EVENING,
    MONDAY_MORNING,
    MONDAY_OPENING,
    VOICEMAIL_TOKEN,
    VOICEMAIL_TOKENS,
)

pytestmark = pytest.mark.django_db

BELCO = reverse("inbox:voicemail", args=["belco"])
VOICEMAIL = {
    "caller_number": "+31 6 12345678",
    "received_at": "2027-01-15T20:03:00+01:00",
    "duration_seconds": 48,
    "recording_ref": "belco-rec-8812",
    "transcript": "Goedenavond, met de moeder van Daan. Wilt u mij terugbellen over zijn school?",
}


@pytest.fixture(autouse=True)
def _tokens_and_a_fixed_clock(settings):
    """The provider reports Friday evening's voicemail on Monday morning, whatever today is."""
    settings.VOICEMAIL_TOKENS = VOICEMAIL_TOKENS
    with time_machine.travel(MONDAY_MORNING, tick=False):
        yield


def deliver(body=None, *, token: str | None = VOICEMAIL_TOKEN, url: str = BELCO, raw: bytes | None = None):
    # enforce_csrf_checks: the provider sends no CSRF cookie; its token is what lets it in.
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token is not None else {}
    data = raw if raw is not None else json.dumps(VOICEMAIL if body is None else body)
    return Client(enforce_csrf_checks=True).post(url, data, content_type="application/json", **headers)


def test_a_voicemail_with_the_providers_token_lands_in_the_inbox():
    response = deliver()

    assert response.status_code == 201
    message = InboxMessage.objects.get()
    assert response.json() == {"id": message.pk}
    assert (message.channel, message.provider, message.status) == ("voicemail", "belco", "new")
    assert (message.phone, message.caller_number) == ("+31612345678", "+31 6 12345678")
    assert message.received_at == FRIDAY_EVENING + dt.timedelta(minutes=3)
    assert (message.duration_seconds, message.recording_ref) == (48, "belco-rec-8812")
    assert message.transcript.startswith("Goedenavond, met de moeder van Daan.")
    assert message.escalate_at == MONDAY_OPENING + dt.timedelta(hours=1)


def test_a_provider_sending_the_same_recording_again_leaves_one_message():
    first, again = deliver(), deliver()

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert InboxMessage.objects.count() == 1


def test_a_withheld_number_is_kept_as_reported_and_the_voicemail_still_counts():
    response = deliver({**VOICEMAIL, "caller_number": "anonymous"})

    assert response.status_code == 201
    message = InboxMessage.objects.get()
    assert (message.phone, message.caller_number) == ("", "anonymous")


@pytest.mark.parametrize(
    ("token", "url"),
    [
        (None, BELCO),
        ("", BELCO),
        ("wrong-" + "t" * 40, BELCO),
        (VOICEMAIL_TOKEN[:-1], BELCO),
        ("o" * 40, BELCO),  # the other provider's token
        (VOICEMAIL_TOKEN, reverse("inbox:voicemail", args=["other-telco"])),  # ours, for another provider
        (VOICEMAIL_TOKEN, reverse("inbox:voicemail", args=["unknown"])),
    ],
    ids=["no header", "empty", "wrong", "one character short", "other provider's", "for another provider",
         "unknown provider"],  # fmt: skip
)
def test_without_the_right_token_the_answer_is_401_and_nothing_is_stored(token, url):
    response = deliver(token=token, url=url)

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "bearer-token" in response.json()["error"]
    assert InboxMessage.objects.count() == 0


def test_another_authorisation_scheme_is_refused():
    response = Client().post(BELCO, json.dumps(VOICEMAIL), content_type="application/json",
                             HTTP_AUTHORIZATION=f"Basic {VOICEMAIL_TOKEN}")  # fmt: skip

    assert response.status_code == 401
    assert InboxMessage.objects.count() == 0


def test_without_configured_providers_every_delivery_is_refused(settings):
    settings.VOICEMAIL_TOKENS = {}

    assert deliver().status_code == 401
    assert InboxMessage.objects.count() == 0


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        (b"{not json", "De inhoud is geen geldige JSON."),
        (b"\xff\xfe", "De inhoud is geen geldige JSON."),
        (b"[1, 2]", "De inhoud moet een JSON-object zijn."),
        (json.dumps({**VOICEMAIL, "received_at": "vrijdagavond"}).encode(), "“received_at” moet een datum en tijd"),
        (json.dumps({**VOICEMAIL, "received_at": "2027-01-15T20:03:00"}).encode(), "met tijdverschil"),
        (json.dumps({**VOICEMAIL, "received_at": "2999-01-01T00:00:00+00:00"}).encode(), "ligt in de toekomst"),
        (json.dumps({**VOICEMAIL, "duration_seconds": "48"}).encode(), "“duration_seconds” moet een heel aantal"),
        (json.dumps({**VOICEMAIL, "duration_seconds": -1}).encode(), "“duration_seconds” moet een heel aantal"),
        (json.dumps({**VOICEMAIL, "transcript": 12}).encode(), "“transcript” moet een tekst zijn."),
        (json.dumps({**VOICEMAIL, "recording_ref": "x" * 201}).encode(), "“recording_ref” is langer dan 200 tekens."),
        (json.dumps({**VOICEMAIL, "recording_ref": "", "transcript": ""}).encode(),
         "“recording_ref” of een “transcript”"),
    ],
    ids=["broken", "not utf-8", "a list", "no date", "no offset", "future", "duration as text", "negative duration",
         "transcript not text", "reference too long", "nothing to listen to"],  # fmt: skip
)
def test_a_body_that_does_not_say_what_we_need_is_400_with_a_clear_message_and_nothing_is_stored(raw, says):
    response = deliver(raw=raw)

    assert response.status_code == 400
    assert says in response.json()["error"]
    assert InboxMessage.objects.count() == 0


def test_the_endpoint_takes_only_post():
    response = Client().get(BELCO, HTTP_AUTHORIZATION=f"Bearer {VOICEMAIL_TOKEN}")

    assert response.status_code == 405


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_retry_racing_the_first_delivery_leaves_one_message_and_no_error():
    """The provider sends again before our first answer arrived: both requests at the same moment."""
    from intake.inbox import services
    from tests.intake.test_concurrency import at_once

    def receive():
        return services.inbox_voicemail_receive(
            provider="belco", phone="+31612345678", caller_number="+31612345678", received_at=FRIDAY_EVENING,
            duration_seconds=48, recording_ref="belco-rec-8812", transcript="Bel mij terug",
        )  # fmt: skip

    outcomes = at_once(receive, receive)

    assert all(isinstance(outcome, tuple) for outcome in outcomes), outcomes
    assert sorted(created for _message, created in outcomes) == [False, True]
    assert InboxMessage.objects.count() == 1
