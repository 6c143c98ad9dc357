"""Demo call-backs for the cases that have none yet: `make run` (a list for today) and
`make bench` (about one for every two cases, 100,000 at 200,000 cases).

Closed cases carry the call-backs of their past (mostly done, some not reached
before a later attempt was done); open cases waiting for a call-back have one
planned in the coming working days, and a few are overdue. Rows and their
history are written in bulk with simple-history's helper, as a save would.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from caseflow.callbacks import office_hours
from caseflow.callbacks.models import Callback, CallbackStatus
from caseflow.cases.models import Case, CaseStatus
from caseflow.lib.history import bulk_create_tracked

CHUNK = 5_000
_SUBJECTS = [
    "Uitkomst gesprek met school bespreken",
    "Terugbellen na overleg met het samenwerkingsverband",
    "Nagaan of de ouder het OPP heeft ontvangen",
    "Bespreken of een onderwijsconsulent nodig is",
    "Vragen hoe het gesprek met de leerplichtambtenaar ging",
    "Ouder wilde nadenken over de verwijzing",
]
_OUTCOMES = ["Gesproken, vervolg afgesproken.", "Ouder tevreden, geen vervolg nodig.", "Voicemail ingesproken.", ""]
# The share of closed cases that had a call-back, and of those, how many needed a second attempt.
# With about three in four cases closed this makes one call-back per two cases (see above).
_CLOSED_WITH_CALLBACK = 0.46
_SECOND_ATTEMPT = 0.15


def demo_callbacks_seed(*, seed: int = 6) -> int:
    """Add call-backs to the cases that have none; returns how many were made."""
    rng = random.Random(seed)
    now = timezone.now()
    cases = Case.objects.filter(callbacks__isnull=True).values_list(
        "pk", "status", "owner_id", "opened_at", "last_contact_at"
    )
    made, batch = 0, []
    for row in cases.iterator(chunk_size=CHUNK):
        batch.extend(_callbacks_of(rng, now, *row))
        if len(batch) >= CHUNK:
            made += _insert(batch)
            batch = []
    return made + _insert(batch)


def _callbacks_of(rng, now, case_id, status, owner_id, opened_at, last_contact_at) -> list[Callback]:
    if owner_id is None:
        return []
    if status == CaseStatus.CLOSED:
        return _past(rng, case_id, owner_id, opened_at) if rng.random() < _CLOSED_WITH_CALLBACK else []
    if status == CaseStatus.AWAITING_CALLBACK:
        return [_upcoming(rng, now, case_id, owner_id)]
    return _past(rng, case_id, owner_id, opened_at) if rng.random() < 0.3 else []


def _slot_after(rng, moment: dt.datetime, *, working_days: int) -> dt.datetime:
    starts = office_hours.slots(after=moment, days=working_days)
    return rng.choice(starts[-len(office_hours.slot_times()) :])


def _new(rng, case_id, owner_id, due_at, status, attempt=1, **fields) -> Callback:
    callback = Callback(
        case_id=case_id, assigned_to_id=owner_id, planned_by_id=owner_id, due_at=due_at,
        window_ends_at=due_at + dt.timedelta(minutes=15), subject=rng.choice(_SUBJECTS),
        phone=f"+316{rng.randrange(10**7, 10**8)}", status=status, attempt=attempt,
        planned_at=due_at - dt.timedelta(days=1), **fields,
    )  # fmt: skip
    # One history row per call-back, dated when its last change happened (or when it was planned).
    callback._history_date = min(fields.get("finished_at") or fields.get("reminded_at") or callback.planned_at,
                                 timezone.now())  # fmt: skip
    return callback


def _finished(rng, case_id, owner_id, due_at, status, attempt=1) -> Callback:
    return _new(
        rng, case_id, owner_id, due_at, status, attempt,
        reminded_at=due_at - dt.timedelta(minutes=10), finished_at=due_at + dt.timedelta(minutes=rng.randint(1, 40)),
        finished_by_id=owner_id, outcome_note=rng.choice(_OUTCOMES),
    )  # fmt: skip


def _past(rng, case_id, owner_id, opened_at) -> list[Callback]:
    first_due = _slot_after(rng, opened_at, working_days=rng.randint(1, 3))
    if rng.random() >= _SECOND_ATTEMPT:
        return [_finished(rng, case_id, owner_id, first_due, CallbackStatus.DONE)]
    second_due = _slot_after(rng, first_due, working_days=2)
    first = _finished(rng, case_id, owner_id, first_due, CallbackStatus.NOT_REACHED)
    second = _finished(rng, case_id, owner_id, second_due, CallbackStatus.DONE, attempt=2)
    second.previous = first  # saved after the first, which then has its id: see _insert
    return [first, second]


def _upcoming(rng, now, case_id, owner_id) -> Callback:
    if rng.random() < 0.1:  # promised yesterday or earlier, still not made: overdue
        due = _slot_after(rng, now - dt.timedelta(days=rng.randint(2, 6)), working_days=1)
        return _new(rng, case_id, owner_id, due, CallbackStatus.REMINDED, reminded_at=due - dt.timedelta(minutes=10),
                    escalated_at=due + dt.timedelta(hours=1))  # fmt: skip
    due = _slot_after(rng, now, working_days=rng.randint(1, 10))
    return _new(rng, case_id, owner_id, due, CallbackStatus.PLANNED)


@transaction.atomic
def _insert(callbacks: list[Callback]) -> int:
    """First attempts, then the attempts that follow them (which need their ids)."""
    firsts = [callback for callback in callbacks if callback.attempt == 1]
    later = [callback for callback in callbacks if callback.attempt > 1]
    bulk_create_tracked(firsts, Callback, batch_size=1_000)
    for callback in later:
        callback.previous_id = callback.previous.pk
    bulk_create_tracked(later, Callback, batch_size=1_000)
    return len(callbacks)
