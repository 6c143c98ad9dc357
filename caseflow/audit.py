"""Who did and saw what: the access log and the change timeline of a case.

The timeline is read from the history tables of every model that hangs on a
case (the registry in caseflow/privacy.py): one query per model, the changes
computed here by comparing each history row with the one before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.http import HttpRequest

from caseflow.models import AccessLog, Case
from caseflow.privacy import personal_data

_NOT_SHOWN = {"id", "version", "search_name", "form_token"}


def access_record(request: HttpRequest, action: str, *, case: Case | None = None, what: str = "") -> None:
    """Write one access log entry. `what` names the page or export, never a person."""
    AccessLog.objects.create(user=request.user, action=action, case=case, what=what[:200])


def case_viewers(case: Case, *, limit: int = 10) -> list[AccessLog]:
    return list(AccessLog.objects.filter(case=case).select_related("user").order_by("-at", "-id")[:limit])


@dataclass
class FieldChange:
    label: str
    old: object
    new: object


@dataclass
class Change:
    when: datetime
    who: object  # a user, or None for the system
    reason: str
    kind: str  # "+", "~" or "-"
    what: str  # e.g. "Beller 12"
    fields: list[FieldChange]


def _compared_fields(history_model) -> list:
    return [
        field for field in history_model._meta.concrete_fields
        if not field.name.startswith("history_") and field.name not in _NOT_SHOWN
    ]  # fmt: skip


def _shown(field, value, users: dict) -> object:
    if value in (None, ""):
        return "—"
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if field.is_relation and field.related_model is get_user_model():
        return users.get(value, value)
    return value


def case_timeline(case: Case) -> list[Change]:
    """Every change to the case and what hangs on it, newest first, with the fields before and after."""
    rows_per_model = [
        (entry, list(entry.model.history.filter(**{entry.case_field: case.pk}).select_related("history_user")
                     .order_by("history_date", "history_id")))
        for entry in personal_data()
    ]  # fmt: skip
    users = _users_named_in(rows_per_model)
    changes = []
    for entry, rows in rows_per_model:
        fields = _compared_fields(entry.model.history.model)
        before: dict[int, object] = {}
        for row in rows:
            previous = before.get(row.id)
            changed = [
                FieldChange(str(field.verbose_name), _shown(field, getattr(previous, field.attname), users) if previous
                            else "—", _shown(field, getattr(row, field.attname), users))
                for field in fields
                if previous is None and getattr(row, field.attname) not in (None, "", [], {})
                or previous is not None and getattr(previous, field.attname) != getattr(row, field.attname)
            ]  # fmt: skip
            before[row.id] = row
            what = f"{str(entry.model._meta.verbose_name).capitalize()} {row.id}"
            changes.append(Change(row.history_date, row.history_user, row.history_change_reason or "",
                                  row.history_type, what, changed))  # fmt: skip
    return sorted(changes, key=lambda change: change.when, reverse=True)


def _users_named_in(rows_per_model) -> dict[int, object]:
    """The users that user fields of the rows point at, in one query."""
    user_model = get_user_model()
    ids = set()
    for entry, rows in rows_per_model:
        user_fields = [f.attname for f in _compared_fields(entry.model.history.model)
                       if f.is_relation and f.related_model is user_model]  # fmt: skip
        ids.update(getattr(row, name) for row in rows for name in user_fields)
    ids.discard(None)
    return {user.pk: user for user in user_model.objects.filter(pk__in=ids)} if ids else {}
