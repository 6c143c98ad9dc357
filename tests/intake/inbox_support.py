"""What the inbox tests share: a fixed week, and messages arriving as the public ways make them.

The week of Friday 15 January 2027 has no public holiday: the line (10:00-13:00) is closed on
Friday evening and the weekend, and opens again on Monday 18 January at 10:00.
"""

from __future__ import annotations

from datetime import datetime

import time_machine
from django.utils import timezone

from caseflow.lib.phones import phone_e164
from intake.inbox import services
from intake.models import InboxMessage

AMSTERDAM = timezone.get_default_timezone()
FRIDAY_EVENING = datetime(2027, 1, 15, 20, 0, tzinfo=AMSTERDAM)
MONDAY_OPENING = datetime(2027, 1, 18, 10, 0, tzinfo=AMSTERDAM)
MONDAY_MORNING = datetime(2027, 1, 18, 10, 5, tzinfo=AMSTERDAM)

VOICEMAIL_TOKEN = "belco-" + "t" * 40
VOICEMAIL_TOKENS = {"belco": VOICEMAIL_TOKEN, "other-telco": "o" * 40}


def contact_form(**changes) -> dict:
    """The public contact form as a parent fills it in."""
    return {
        "name": "Fatima el Amrani",
        "phone": "06-12345678",
        "email": "Fatima@Example.nl",
        "child_first_name": "Yara",
        "school_type": "po",
        "question": "Yara zit sinds de herfstvakantie thuis. School zegt dat er geen plek is.",
        "website": "",
        **changes,
    }


def form_message(at: datetime = FRIDAY_EVENING, *, address: str = "203.0.113.7", **changes) -> InboxMessage:
    """A contact form that arrived at `at`, stored through the service the public page uses."""
    fields = contact_form(**changes)
    fields.pop("website")
    fields["phone"] = fields["phone"] and phone_e164(fields["phone"])
    with time_machine.travel(at, tick=False):
        return services.inbox_form_receive(sender_address=address, **fields)


def voicemail_message(at: datetime = FRIDAY_EVENING, *, phone: str = "+31612345678", ref: str = "") -> InboxMessage:
    message, _created = services.inbox_voicemail_receive(
        provider="belco", phone=phone, caller_number=phone, received_at=at, duration_seconds=75,
        recording_ref=ref or f"rec-{at:%Y%m%d%H%M%S}-{phone}", transcript="Met de moeder van Daan, wilt u terugbellen?",
    )  # fmt: skip
    return message
