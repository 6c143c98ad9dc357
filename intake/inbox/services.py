"""Every write of the inbox: a message arriving (contact form, voicemail), an advisor picking it
up and turning it into a call with a call-back, and the escalation of what waited too long.

Each runs in one transaction and writes history with the acting user (the system for the
beat task's escalation).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from caseflow.accounts.models import User
from caseflow.callbacks import office_hours
from caseflow.callbacks.models import Callback
from caseflow.callbacks.services import callback_schedule, slot_offers
from caseflow.cases.models import Case
from caseflow.notifications.models import NotificationKind
from caseflow.notifications.services import notify, team_watch
from intake.inbox.ratelimit import contact_form_send_allowed
from intake.models import Channel, InboxMessage
from intake.services import call_log, case_open_with_call

Fields = Mapping[str, Any]

# The call-back is planned in the advisor's first free slot within this many working days.
CALLBACK_SEARCH_DAYS = 5


# --- When the line answers ----------------------------------------------------------------


def opening_after(moment: datetime) -> datetime:
    """The first time the line opens after `moment`: today's opening before it, else the next working day's."""
    opens, _closes = settings.OFFICE_HOURS
    for day in office_hours.working_days(timezone.localtime(moment).date()):
        opening = office_hours.local_datetime(day, opens)
        if opening > moment:
            return opening
    raise AssertionError("working_days never ends")  # pragma: no cover


def escalate_at_for(received_at: datetime) -> datetime:
    """A message must be picked up within INBOX_ESCALATE_MINUTES of the line's next opening."""
    return opening_after(received_at) + timedelta(minutes=settings.INBOX_ESCALATE_MINUTES)


def callback_expected_from(received_at: datetime) -> datetime:
    """What the contact form's confirmation promises: the first call-back slot after the message
    came in (the next working day's opening when the line is closed)."""
    return office_hours.slots(after=received_at, days=1)[0]


# --- Arriving -------------------------------------------------------------------------------


def _saved(message: InboxMessage, by: User | None, reason: str = "") -> InboxMessage:
    message._history_user = by
    if reason:
        message._change_reason = reason
    message.save()
    return message


def _new_message(**fields) -> InboxMessage:
    received_at = fields.pop("received_at", None) or timezone.now()
    message = InboxMessage(received_at=received_at, escalate_at=escalate_at_for(received_at), **fields)
    # The unique constraint is the database's to check: of two deliveries at once, only it sees both.
    message.full_clean(validate_constraints=False)
    return _saved(message, None)


@transaction.atomic
def inbox_form_receive(
    *,
    sender_address: str,
    name: str,
    phone: str,
    email: str = "",
    child_first_name: str = "",
    school_type: str = "",
    question: str,
) -> InboxMessage:
    """A parent's contact form. Refused (nothing stored) when the address sent its share this hour."""
    now = timezone.now()
    if not contact_form_send_allowed(address=sender_address, now=now):
        raise ValidationError(
            _("You have already sent us several messages in the past hour. We will call you back about "
              "those; if you want to add something, call our advice line or try again in an hour."),
            code="rate_limited",
        )  # fmt: skip
    return _new_message(
        channel=InboxMessage.Channel.FORM, received_at=now, name=name, phone=phone, email=email.lower(),
        child_first_name=child_first_name, school_type=school_type, question=question,
    )  # fmt: skip


def inbox_voicemail_receive(
    *,
    provider: str,
    phone: str,
    caller_number: str,
    received_at: datetime,
    duration_seconds: int | None,
    recording_ref: str,
    transcript: str,
) -> tuple[InboxMessage, bool]:
    """A voicemail the telephony provider reports; (message, False) when it reported this recording before
    (a retried webhook), so the inbox holds it once."""
    earlier = _voicemail_reported(provider, recording_ref)
    if earlier:
        return earlier, False
    try:
        with transaction.atomic():
            message = _new_message(
                channel=InboxMessage.Channel.VOICEMAIL, received_at=received_at, provider=provider, phone=phone,
                caller_number=caller_number, duration_seconds=duration_seconds, recording_ref=recording_ref,
                transcript=transcript,
            )  # fmt: skip
    except IntegrityError:
        # A retry that raced the first delivery: the unique constraint let one in; this is that one.
        earlier = _voicemail_reported(provider, recording_ref)
        if earlier is None:
            raise
        return earlier, False
    return message, True


def _voicemail_reported(provider: str, recording_ref: str) -> InboxMessage | None:
    if not recording_ref:
        return None
    return InboxMessage.objects.filter(provider=provider, recording_ref=recording_ref).first()


# --- Working on it ----------------------------------------------------------------------------


def _lock(message: InboxMessage) -> InboxMessage:
    return InboxMessage.objects.select_for_update(of=("self",)).select_related("picked_up_by", "case").get(
        pk=message.pk
    )


def _refuse_taken(message: InboxMessage, by: User) -> None:
    """A message is one advisor's: handled, or picked up by a colleague, it is not another's to handle."""
    when = formats.time_format(timezone.localtime(message.picked_up_at), "H:i") if message.picked_up_at else "?"
    if message.status == InboxMessage.Status.HANDLED:
        raise ValidationError(
            _("%(who)s already handled this message at %(when)s: it is a call on case %(case)s now.")
            % {"who": message.picked_up_by or _("a colleague"), "when": when, "case": message.case or "?"},
            code="handled",
        )
    if message.status == InboxMessage.Status.PICKED_UP and message.picked_up_by_id != by.pk:
        raise ValidationError(
            _("%(who)s picked up this message at %(when)s and is working on it.")
            % {"who": message.picked_up_by, "when": when},
            code="picked_up",
        )


@transaction.atomic
def inbox_pick_up(*, message: InboxMessage, by: User) -> InboxMessage:
    """An advisor takes a message on (to call the parent first): colleagues see who has it."""
    message = _lock(message)
    _refuse_taken(message, by)
    if message.status == InboxMessage.Status.NEW:
        message.status, message.picked_up_by, message.picked_up_at = InboxMessage.Status.PICKED_UP, by, timezone.now()
        _saved(message, by)
    return message


@transaction.atomic
def inbox_put_back(*, message: InboxMessage, by: User) -> InboxMessage:
    """The advisor who picked a message up gives it back to the team, unhandled."""
    message = _lock(message)
    _refuse_taken(message, by)
    if message.status == InboxMessage.Status.PICKED_UP:
        message.status, message.picked_up_by, message.picked_up_at = InboxMessage.Status.NEW, None, None
        _saved(message, by)
    return message


def _first_free_slot(advisor: User) -> datetime:
    for offer in slot_offers(assignee=advisor, days=CALLBACK_SEARCH_DAYS):
        if offer.free:
            return offer.starts
    raise ValidationError(
        _("You have no free call-back time in the next %(days)s working days. Ask a colleague or your team lead.")
        % {"days": CALLBACK_SEARCH_DAYS},
        code="no_free_slot",
    )


def _call_fields(message: InboxMessage, notes: str) -> dict:
    """The message as a contact on the case: when it came in, by which way, what was said."""
    is_form = message.channel == InboxMessage.Channel.FORM
    minutes = math.ceil(message.duration_seconds / 60) if message.duration_seconds else None
    return {
        "channel": Channel.WEB_FORM if is_form else Channel.PHONE_IN,
        "started_at": message.received_at,
        "duration_minutes": minutes,
        "notes": notes,
    }


@transaction.atomic
def inbox_message_to_call(
    *,
    message: InboxMessage,
    by: User,
    case: Case | None,
    notes: str,
    caller: Fields | None = None,
    child: Fields | None = None,
) -> tuple[InboxMessage, Callback]:
    """In one step: the message becomes a call on `case` (or on a new case with `caller` and `child`)
    and a call-back for `by` in their first free slot. All or nothing; the second advisor to try
    is told who was first, and nothing is doubled."""
    message = _lock(message)
    _refuse_taken(message, by)
    call_fields = _call_fields(message, notes)
    if case is not None:
        call = call_log(case=case, by=by, call=call_fields, topics=[])
    else:
        call = case_open_with_call(by=by, caller=caller or {}, child=child or {}, call=call_fields, topics=[])
    callback = callback_schedule(
        case=call.case, by=by, assigned_to=by, due_at=_first_free_slot(by),
        window_minutes=settings.CALLBACK_SLOT_MINUTES,
        subject=_callback_subject(message), phone=message.phone or (caller or {}).get("phone", ""),
    )  # fmt: skip
    now = timezone.now()
    message.status, message.case, message.call = InboxMessage.Status.HANDLED, call.case, call
    message.picked_up_by, message.picked_up_at = by, message.picked_up_at or now
    message.handled_at = now
    return _saved(message, by), callback


def _callback_subject(message: InboxMessage) -> str:
    when = formats.date_format(timezone.localtime(message.received_at), "l j F H:i")
    if message.channel == InboxMessage.Channel.FORM:
        return _("Call back about the contact form of %(when)s") % {"when": when}
    return _("Call back about the voicemail of %(when)s") % {"when": when}


# --- Escalation -------------------------------------------------------------------------------


def _claim_due(now: datetime, batch_size: int) -> list[InboxMessage]:
    due = InboxMessage.objects.filter(
        status=InboxMessage.Status.NEW, escalated_at=None, escalate_at__lte=now
    ).order_by("escalate_at", "id")
    if connection.features.has_select_for_update_skip_locked:
        due = due.select_for_update(skip_locked=True)
    return list(due[:batch_size])


def inbox_escalate_overdue(*, now: datetime | None = None, batch_size: int = 200) -> int:
    """Tell the team leads, once, of each message nobody picked up by its escalate_at.

    Safe to run twice at once or twice in a row: the rows are claimed with SKIP LOCKED and
    marked in the same transaction, and each notification's key is unique per recipient.
    """
    now = now or timezone.now()
    total, leads = 0, None
    while True:
        with transaction.atomic():
            due = _claim_due(now, batch_size)
            if not due:
                return total
            leads = team_watch() if leads is None else leads
            for message in due:
                notify(recipients=leads, key=f"inbox:{message.pk}:waiting", kind=NotificationKind.INBOX_WAITING)
                message.escalated_at = message._history_date = now
                _saved(message, None, reason="system: escalated to the team leads")
            total += len(due)

