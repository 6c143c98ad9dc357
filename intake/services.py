"""Every write of the intake: opening a case with its first call, logging calls,
editing caller and child, and the drafts that keep a half-typed call safe.

Each function runs in one transaction: a form with one bad field saves nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from caseflow.accounts.models import User
from caseflow.cases.locking import case_lock, case_mark_changed
from caseflow.cases.models import Case, CaseStatus, Topic
from caseflow.cases.services import case_open, case_record_contact
from intake.models import Call, CallDraft, Caller, Child

Fields = Mapping[str, Any]


def _saved(instance, by: User):
    """Validate against the model (a service may be called without a form) and save.

    The form token is left to the database's unique constraint: of two sends of one
    form that race, the second must meet the IntegrityError that _once_per_form
    answers with the first one's call, not a ValidationError.
    """
    instance.full_clean(exclude=["case", "form_token"])
    instance._history_user = by
    instance.save()
    return instance


def case_open_with_call(
    *,
    by: User,
    caller: Fields,
    child: Fields,
    call: Fields,
    topics: Iterable[Topic],
    summary: str = "",
    form_token: uuid.UUID | None = None,
) -> Call:
    """A new case for a first call: the case, its caller, its child and the call.

    Sending the same form twice (a double click, a browser retry) opens one case.
    """
    return _once_per_form(
        form_token,
        lambda: _case_open_with_call(
            by=by, caller=caller, child=child, call=call, topics=list(topics), summary=summary, form_token=form_token
        ),
    )


def call_log(
    *,
    case: Case,
    by: User,
    call: Fields,
    topics: Iterable[Topic],
    form_token: uuid.UUID | None = None,
) -> Call:
    """Add a call to the case's timeline and bring the case's facts up to date.

    A call on a closed case reopens it: the parent is back, the case is live.
    """
    return _once_per_form(
        form_token,
        lambda: _call_log(case=case, by=by, call=call, topics=list(topics), form_token=form_token),
    )


def _once_per_form(form_token: uuid.UUID | None, log) -> Call:
    """Run `log` unless this form's call is in already; the unique form token
    decides between two submissions that race."""
    existing = call_logged_with(form_token)
    if existing:
        return existing
    try:
        return log()
    except IntegrityError:
        existing = call_logged_with(form_token)
        if existing:
            return existing
        raise


@transaction.atomic
def _case_open_with_call(*, by, caller, child, call, topics, summary, form_token) -> Call:
    case = case_open(by=by, owner=by, topics=topics, summary=summary, opened_at=call.get("started_at"))
    _saved(Caller(case=case, **caller), by)
    _saved(Child(case=case, **child), by)
    return _call_log(case=case, by=by, call=call, topics=topics, form_token=form_token)


@transaction.atomic
def _call_log(*, case, by, call, topics, form_token) -> Call:
    case = case_lock(case_id=case.pk)
    if case.status == CaseStatus.CLOSED:
        case.status, case.closed_at, case.close_reason, case.close_note = CaseStatus.IN_PROGRESS, None, "", ""
    logged = _saved(Call(case=case, advisor=by, form_token=form_token, **call), by)
    logged.topics.set(topics)
    case.topics.add(*topics)
    case_record_contact(
        case=case,
        by=by,
        contact_at=logged.started_at,
        at_home=logged.at_home,
        at_home_since=logged.at_home_since,
    )
    if form_token:
        # This form's draft only: another unsaved call of the advisor's stays on offer.
        CallDraft.objects.filter(author=by, form_token=form_token).delete()
    return logged


def call_logged_with(form_token: uuid.UUID | None) -> Call | None:
    """The call a form already logged, if it was sent before."""
    return Call.objects.filter(form_token=form_token).first() if form_token else None


@transaction.atomic
def caller_update(*, caller: Caller, expected_version: int, by: User, fields: Fields) -> Caller:
    case = case_lock(case_id=caller.case_id, expected_version=expected_version)
    caller = Caller.objects.get(pk=caller.pk)
    for name, value in fields.items():
        setattr(caller, name, value)
    _saved(caller, by)
    case_mark_changed(case=case)
    return caller


@transaction.atomic
def caller_add(*, case: Case, by: User, fields: Fields) -> Caller:
    """A second person about the same child (the other parent, a carer)."""
    case_lock(case_id=case.pk)
    return _saved(Caller(case=case, **fields), by)


@transaction.atomic
def child_update(*, case: Case, expected_version: int, by: User, fields: Fields) -> Child:
    case = case_lock(case_id=case.pk, expected_version=expected_version)
    child = Child.objects.get(case=case)
    for name, value in fields.items():
        setattr(child, name, value)
    _saved(child, by)
    case_mark_changed(case=case)
    return child


# --- Drafts -------------------------------------------------------------------------

NEW_CASE_SLOT = "new"


def draft_slot_for(case: Case | None) -> str:
    return f"case-{case.pk}" if case else NEW_CASE_SLOT


@transaction.atomic
def draft_save(
    *, author: User, slot: str, case: Case | None, form_token: uuid.UUID, data: dict[str, list[str]]
) -> CallDraft | None:
    """Keep what is in this form now, in its own draft; the form's last save wins.

    Returns None when the form was already submitted: the browser's last
    autosave can arrive after the call was saved, and must not bring back a
    draft of a call that is logged. Refuses a draft of an anonymised (or erased)
    case: a form left open there still holds a valid grant, and its autosave
    would store the parent's words again after they were removed.
    """
    if case is not None and _anonymised(case):
        raise ValidationError(
            _("This case has been anonymised: the call form can no longer be kept as a draft."), code="anonymised"
        )
    if Call.objects.filter(form_token=form_token).exists():
        return None
    draft, _created = CallDraft.objects.update_or_create(
        author=author, form_token=form_token, defaults={"slot": slot, "case": case, "data": data}
    )
    return draft


def _anonymised(case: Case) -> bool:
    """Read under the case's lock, which anonymising takes too: either it sees this draft and
    deletes it, or this save waits for it and sees the case anonymised."""
    return case_lock(case_id=case.pk).anonymised_at is not None


def draft_discard(*, author: User, draft_id: int) -> bool:
    """Throw away one unsaved call of the advisor's; False if it was not there (any more)."""
    deleted, _per_model = CallDraft.objects.filter(author=author, pk=draft_id).delete()
    return bool(deleted)

