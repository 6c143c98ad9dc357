"""Reads of the inbox: what waits, the cases each message may belong to, and the count the team
lead's dashboard shows. A page of messages costs the same few queries for 1 message or 100."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Lower

from caseflow.cases.models import Case
from intake.models import Caller, InboxMessage
from intake.selectors import cases_for_lists

# Cases shown per message: the parent's own case is among the first; more is a number shared widely.
MATCHES_PER_MESSAGE = 5


def inbox_waiting() -> QuerySet[InboxMessage]:
    """Messages not yet handled, oldest first (the order of the partial index inbox_waiting)."""
    return (
        InboxMessage.objects.exclude(status=InboxMessage.Status.HANDLED)
        .select_related("picked_up_by")
        .order_by("received_at", "id")
    )


def inbox_waiting_count() -> int:
    """How many messages wait in the inbox (new or picked up): the team lead's dashboard figure."""
    return inbox_waiting().count()


def _keys(message: InboxMessage) -> set[str]:
    return {key for key in (message.phone, message.email) if key}


def cases_matching(messages: Iterable[InboxMessage]) -> dict[int, list[Case]]:
    """For each message, the cases whose callers have its phone number or e-mail address: open ones
    first, then the most recently contacted. Two queries for the callers and cases of every message,
    plus the list's prefetches (topics, callers)."""
    messages = list(messages)
    phones = {message.phone for message in messages if message.phone}
    emails = {message.email for message in messages if message.email}
    if not (phones or emails):
        return {}
    callers = (
        Caller.objects.annotate(email_key=Lower("email"))
        .filter(Q(phone__in=phones) | Q(phone_alt__in=phones) | Q(email_key__in=emails))
        .values_list("case_id", "phone", "phone_alt", "email_key")
    )
    cases_by_key: dict[str, set[int]] = defaultdict(set)
    for case_id, *keys in callers:
        for key in keys:
            if key:
                cases_by_key[key].add(case_id)
    case_ids = set().union(*cases_by_key.values())
    ordered = cases_for_lists().filter(pk__in=case_ids).order_by(
        F("closed_at").asc(nulls_first=True), F("last_contact_at").desc(nulls_last=True), "-pk"
    )
    cases = list(ordered)
    matches = {}
    for message in messages:
        mine = set().union(*(cases_by_key.get(key, set()) for key in _keys(message)))
        matches[message.pk] = [case for case in cases if case.pk in mine][:MATCHES_PER_MESSAGE]
    return matches
