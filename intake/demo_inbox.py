"""Demo inbox messages for `make run` and `make bench`: 0.1 per case (20,000 at 200,000 cases).

Most were handled long ago: each became a call on its case (a contact form a web-form call,
a voicemail an incoming phone call, at the moment it came in) and carries that case's
parent's number. A few hundred (at least a few) still wait: left over the last days, most
outside the office hours, some picked up by an advisor, those past their time escalated to
the team leads; a share of them from a number that is already on a case, so the inbox shows
the cases a message may belong to. Rows and history are written in bulk, as their saves would
(caseflow.demo.demo_rows_insert).
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from caseflow.accounts import roles
from caseflow.demo import demo_newest_cases, demo_rows_insert
from intake.demo import random_phone
from intake.inbox.services import escalate_at_for
from intake.models import Call, Caller, Channel, Child, InboxMessage
from intake.normalise import search_key

INBOX_PER_CASE = 0.1
# Of the messages seeded, the share still waiting (at least a few, so a small demo shows them).
WAITING_SHARE = 0.015
WAITING_AT_LEAST = 3
WAITING_DAYS = 4  # messages still waiting came in over this many days
FORM_SHARE = 0.55  # the rest are voicemails
PICKED_UP_SHARE = 0.2  # of the waiting: an advisor is on it
KNOWN_NUMBER_SHARE = 0.4  # of the waiting: from a number already on a case
PROVIDER = "demo-telefonie"
CHUNK = 2_000
_QUESTIONS = [
    "Mijn zoon zit sinds de herfstvakantie thuis. School zegt dat er geen plek is. Wat kan ik doen?",
    "De school wil het ontwikkelingsperspectief aanpassen zonder met ons te praten. Mag dat?",
    "Onze dochter heeft een TLV nodig maar het samenwerkingsverband reageert niet. Kunt u mij terugbellen?",
    "Wie betaalt de begeleiding van mijn kind op school, de gemeente of de school?",
    "Ik wil een klacht indienen over de schoolleiding. Hoe pak ik dat aan?",
    "Mijn kind wordt steeds naar huis gestuurd omdat er geen begeleiding is. Is dat toegestaan?",
    "De gemeente wijst het leerlingenvervoer af. Graag advies over bezwaar.",
]
_TRANSCRIPTS = [
    "Goedemiddag, u spreekt met de moeder van een leerling. Ik bel over de school van mijn zoon, wilt u mij "
    "terugbellen? Dank u wel.",
    "Hallo, ik heb een vraag over passend onderwijs voor mijn dochter. Ik ben vanmiddag bereikbaar.",
    "Ja hallo, mijn kind zit al weken thuis en ik weet niet meer wat ik moet doen. Bel me alstublieft terug.",
    "Goedemorgen, ik bel over de verwijdering van mijn zoon van school. Graag een terugbelverzoek.",
    "Dag, ik wil graag advies over het gesprek met het samenwerkingsverband volgende week.",
]


def demo_inbox_seed(*, cases: int, seed: int = 10) -> int:
    """Inbox messages for the newest `cases` cases; returns how many were made."""
    newest = demo_newest_cases(cases)
    total = round(INBOX_PER_CASE * newest.count())
    if total <= 0:
        return 0
    rng, now = random.Random(seed), timezone.now()
    waiting = min(total, max(WAITING_AT_LEAST, round(total * WAITING_SHARE)))
    users = get_user_model().objects.in_bulk()
    messages = _handled(rng, now, newest, total - waiting, users) + _waiting(rng, now, newest, waiting)
    with transaction.atomic():
        for start in range(0, len(messages), CHUNK):
            demo_rows_insert(InboxMessage, messages[start : start + CHUNK])
    return len(messages)


def _channels(rng: random.Random, count: int) -> list[str]:
    forms = round(count * FORM_SHARE)
    channels = [InboxMessage.Channel.FORM] * forms + [InboxMessage.Channel.VOICEMAIL] * (count - forms)
    rng.shuffle(channels)
    return channels


def _message(rng, channel: str, received_at: dt.datetime, phone: str, name: str, email: str, child=("", "")):
    """A message as it arrived: a form with the parent's details, or a voicemail with a number."""
    if channel == InboxMessage.Channel.FORM:
        fields = {"name": name, "email": email, "child_first_name": child[0], "school_type": child[1],
                  "question": rng.choice(_QUESTIONS)}  # fmt: skip
    else:
        fields = {"provider": PROVIDER, "caller_number": phone.replace("+31", "0", 1),
                  "duration_seconds": rng.randint(12, 150), "recording_ref": f"rec-{rng.getrandbits(64):016x}",
                  "transcript": rng.choice(_TRANSCRIPTS)}  # fmt: skip
    message = InboxMessage(channel=channel, received_at=received_at, escalate_at=escalate_at_for(received_at),
                           phone=phone, **fields)  # fmt: skip
    message._history_date, message._history_user = received_at, None  # it arrives by itself
    return message


def _as_arrived(message: InboxMessage) -> None:
    """History: it arrived new (by itself), and what happened since is its latest change."""
    message._demo_as_made = (message.received_at, None, {
        "status": InboxMessage.Status.NEW, "picked_up_by_id": None, "picked_up_at": None, "handled_at": None,
        "case_id": None, "call_id": None, "escalated_at": None,
    })  # fmt: skip


# --- Handled: each became a call on its case -----------------------------------------------------


def _handled(rng, now, newest, count: int, users: dict) -> list[InboxMessage]:
    forms = round(count * FORM_SHARE)
    calls = _some_calls(rng, newest, Channel.WEB_FORM, forms) + _some_calls(rng, newest, Channel.PHONE_IN,
                                                                           count - forms)  # fmt: skip
    people = _people(call.case_id for call in calls)
    messages = []
    for call in calls:
        caller, child = people[call.case_id]
        channel = InboxMessage.Channel.FORM if call.channel == Channel.WEB_FORM else InboxMessage.Channel.VOICEMAIL
        message = _message(rng, channel, call.started_at, caller.phone, caller.name, caller.email.lower(), child)
        _as_arrived(message)
        picked_up_at = min(call.started_at + dt.timedelta(minutes=rng.randint(2, 40)), now)
        message.status, message.case_id, message.call_id = InboxMessage.Status.HANDLED, call.case_id, call.pk
        message.picked_up_by = message._history_user = users[call.advisor_id]
        message.picked_up_at = picked_up_at
        message.handled_at = message._history_date = min(picked_up_at + dt.timedelta(minutes=rng.randint(3, 15)), now)
        messages.append(message)
    return messages


def _some_calls(rng, newest, channel: str, count: int) -> list[Call]:
    """`count` calls of this channel on the newest cases, drawn evenly (reservoir sampling), none
    that a message became already."""
    calls = Call.objects.filter(case__in=newest, channel=channel, inbox_message__isnull=True).order_by("pk").only(
        "pk", "case_id", "advisor_id", "started_at", "channel"
    )  # fmt: skip
    chosen: list[Call] = []
    for seen, call in enumerate(calls.iterator(chunk_size=CHUNK)):
        if seen < count:
            chosen.append(call)
        elif (slot := rng.randrange(seen + 1)) < count:
            chosen[slot] = call
    return chosen


def _people(case_ids) -> dict[int, tuple[Caller, tuple[str, str]]]:
    """The first caller and the child (first name, school type) of each case."""
    case_ids = set(case_ids)
    children = dict(
        (case_id, (first_name, school_type))
        for case_id, first_name, school_type
        in Child.objects.filter(case_id__in=case_ids).values_list("case_id", "first_name", "school_type")
    )  # fmt: skip
    people = {}
    for caller in Caller.objects.filter(case_id__in=case_ids).order_by("-pk").only("case_id", "name", "phone", "email"):
        people[caller.case_id] = (caller, children.get(caller.case_id, ("", "")))  # the first caller is kept last
    return people


# --- Waiting: the last days' messages ------------------------------------------------------------


def _waiting(rng, now, newest, count: int) -> list[InboxMessage]:
    known = _known_callers(rng, newest, count)
    names = [name for name, _phone, _email in known] or ["Sanne de Jong"]
    team = list(get_user_model().objects.filter(groups__name=roles.ADVISOR, is_active=True).order_by("pk"))
    messages = []
    for channel in _channels(rng, count):
        received_at = now - dt.timedelta(days=WAITING_DAYS) * rng.random()
        if known and rng.random() < KNOWN_NUMBER_SHARE:  # a parent who called before
            name, phone, email = rng.choice(known)
        else:
            name = f"{rng.choice(names).split()[0]} {rng.choice(names).split()[-1]}"
            phone = random_phone(rng, landline=rng.random() < 0.1)
            email = f"{search_key(name).replace(' ', '.')}@example.nl" if rng.random() < 0.5 else ""
        message = _message(rng, channel, received_at, phone, name, email.lower())
        if team and now - received_at > dt.timedelta(hours=1) and rng.random() < PICKED_UP_SHARE:
            _picked_up(message, by=rng.choice(team), at=received_at + (now - received_at) * rng.uniform(0.3, 1))
        if message.escalate_at <= (message.picked_up_at or now):  # the beat told the team leads
            _escalated(message)
        messages.append(message)
    return messages


def _known_callers(rng, newest, count: int) -> list[tuple[str, str, str]]:
    """(name, phone, e-mail) of callers of some of the newest cases, for messages from a known number."""
    case_ids = list(newest.values_list("pk", flat=True))
    some = rng.sample(case_ids, min(len(case_ids), count * 2))
    return list(Caller.objects.filter(case_id__in=some).order_by("pk").values_list("name", "phone", "email"))


def _picked_up(message: InboxMessage, *, by, at: dt.datetime) -> None:
    _as_arrived(message)
    message.status, message.picked_up_by, message.picked_up_at = InboxMessage.Status.PICKED_UP, by, at
    message._history_date, message._history_user = at, by


def _escalated(message: InboxMessage) -> None:
    """Escalated by the beat at its time; a later pick-up stays the latest change."""
    if not hasattr(message, "_demo_as_made"):
        _as_arrived(message)
        message._history_date, message._history_user = message.escalate_at, None
    message.escalated_at = message.escalate_at
