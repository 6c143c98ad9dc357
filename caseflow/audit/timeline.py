"""The change timeline of a case, and the subject access export to read, which says the same.

The timeline is read from the history tables of every model that hangs on a
case (the registry in caseflow/audit/personal_data.py): one query per model, the changes
computed here by comparing each history row with the one before it, and one
query per model the rows link to, so that every value reads as a person reads
it (labels, names, Ja/Nee, Dutch moments), never as a code or an id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from caseflow.audit.access_log import access_words
from caseflow.audit.models import AccessLog
from caseflow.audit.personal_data import PersonalData, personal_data
from caseflow.cases.models import Case
from caseflow.lib.dates import day_text, moment_text

_NOT_SHOWN = {"id", "version", "search_name", "form_token"}

# --- The change timeline ---------------------------------------------------------------------
#
# Every value as a person reads it: Ja/Nee, the labels of codes, the name of what a link points
# at (a loket's name, a user's full name, "toestemming <doel> voor <ontvanger>"), moments in
# Dutch in Europe/Amsterdam. Never a database id: a row is named by its registry entry's `named`.


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class Change:
    when: datetime
    who: object  # a user, or None for the system
    reason: str
    kind: str  # "+", "~" or "-"
    what: str  # e.g. "Beller Fatima el Amrani"
    fields: list[FieldChange]


_EMPTY = (None, "", [], {})
_NOTHING = "—"

# Why the system changed something, as the services write it for machines (history_change_reason):
# caseflow.privacy, caseflow.callbacks (on behalf of the planner), the inbox's escalation.
_REASONS = {
    "anonymised: retention": gettext_lazy("anonymised: retention period over"),
    "anonymised: erasure": gettext_lazy("anonymised: erased on request"),
    "system: escalated to the team leads": gettext_lazy("system: escalated to the team leads"),
}
_ON_BEHALF = re.compile(r"system: (?P<doing>.+), on behalf of (?P<username>.+)")
_SYSTEM_DOINGS = {
    "reminder sent": gettext_lazy("reminder sent"),
    "escalated as overdue": gettext_lazy("escalated as overdue"),
}


def case_timeline(case: Case) -> list[Change]:
    """Every change to the case and what hangs on it, newest first, with the fields before and after.

    Queries: one per model of the registry, and one per model their rows link to (users, lokets,
    purposes), however many rows there are."""
    history = [(entry, _history_rows(entry, case)) for entry in personal_data()]
    reader = _HistoryReader(history)
    changes = [change for entry, rows in history for change in _changes(entry, rows, reader)]
    return sorted(changes, key=lambda change: change.when, reverse=True)


def _history_rows(entry: PersonalData, case: Case) -> list:
    rows = entry.model.history.filter(**{entry.case_field: case.pk}).select_related("history_user")
    return list(rows.order_by("history_date", "history_id"))


def _changes(entry: PersonalData, rows: list, reader: _HistoryReader) -> list[Change]:
    """Each history row compared with the one before it of the same object."""
    fields = _shown_fields(entry)
    before: dict[int, object] = {}
    changes = []
    for row in rows:
        previous = before.get(row.id)
        before[row.id] = row
        changed = [
            FieldChange(str(field.verbose_name), reader.value(entry, field, previous) if previous else _NOTHING,
                        reader.value(entry, field, row))
            for field in fields
            if _changed(entry, field, previous, row)
        ]  # fmt: skip
        what = capfirst(reader.row_name(entry, row))
        changes.append(Change(row.history_date, row.history_user, reader.reason(row.history_change_reason),
                              row.history_type, what, changed))  # fmt: skip
    return changes


def _shown_fields(entry: PersonalData) -> list:
    hidden = _NOT_SHOWN | set(entry.not_in_history)
    return [
        field for field in entry.model.history.model._meta.concrete_fields
        if not field.name.startswith("history_") and field.name not in hidden
    ]  # fmt: skip


def _changed(entry: PersonalData, field, previous, row) -> bool:
    if previous is not None:
        return getattr(previous, field.attname) != getattr(row, field.attname)
    # A new row shows what it was made with, except the link to the case whose history this is.
    return getattr(row, field.attname) not in _EMPTY and field.name != entry.case_field


class _HistoryReader:
    """Names and labels for the values of a case's history rows, read once for all of them."""

    def __init__(self, history: list[tuple[PersonalData, list]]):
        self._entries = {entry.model: entry for entry, _ in history}
        self._linked = self._read_linked(history)
        for entry, rows in history:
            self._fill_links(entry, rows)
        # Rows in the order they were written: an object is named as it was last.
        self._names = {entry.model: {row.id: self._name(entry, row) for row in rows} for entry, rows in history}
        self._labels: dict[tuple[type, str], dict] = {}
        self._on_behalf_of = self._read_on_behalf_of(history)

    def _read_on_behalf_of(self, history) -> dict[str, str]:
        """The people the system acted for, by the username its reasons name, in one query."""
        usernames = set()
        for _entry, rows in history:
            for row in rows:
                found = _ON_BEHALF.fullmatch(row.history_change_reason or "")
                if found:
                    usernames.add(found["username"])
        if not usernames:
            return {}
        return {user.username: str(user) for user in get_user_model().objects.filter(username__in=usernames)}

    def reason(self, reason: str | None) -> str:
        return change_reason_text(reason, self._on_behalf_of)

    def _links(self, entry: PersonalData) -> list:
        """The entry's links to models outside the case's history (users, lokets, purposes)."""
        return [field for field in _shown_fields(entry)
                if field.many_to_one and field.related_model not in self._entries]  # fmt: skip

    def _read_linked(self, history) -> dict[type, dict]:
        """The objects the rows link to, in one query per model."""
        wanted: dict[type, set] = {}
        for entry, rows in history:
            for field in self._links(entry):
                wanted.setdefault(field.related_model, set()).update(getattr(row, field.attname) for row in rows)
        return {model: model._base_manager.in_bulk(ids - {None}) for model, ids in wanted.items() if ids - {None}}

    def _fill_links(self, entry: PersonalData, rows: list) -> None:
        """Put the linked objects on the rows, so that `named` reads `row.loket` without a query."""
        for field in self._links(entry):
            objects = self._linked.get(field.related_model, {})
            for row in rows:
                linked = objects.get(getattr(row, field.attname))
                if linked is not None:
                    field.set_cached_value(row, linked)

    def _name(self, entry: PersonalData, row) -> str:
        named = (entry.named(row) if entry.named else "").strip()
        return named or str(entry.model._meta.verbose_name)

    def row_name(self, entry: PersonalData, row) -> str:
        return self._names[entry.model][row.id]

    def name_of(self, model: type, pk) -> str:
        """What a link points at, by name; a row that is gone by its kind, never by its id."""
        if model in self._names:
            return self._names[model].get(pk) or str(model._meta.verbose_name)
        linked = self._linked.get(model, {}).get(pk)
        return str(linked) if linked is not None else str(model._meta.verbose_name)

    def value(self, entry: PersonalData, field, row) -> str:
        value = getattr(row, field.attname)
        if value in _EMPTY:
            return _NOTHING
        if field.name in entry.id_lists:
            return ", ".join(self.name_of(entry.id_lists[field.name], pk) for pk in value)
        if field.name in entry.labels:
            labels = self._labels_of(entry, field.name)
            return ", ".join(str(labels.get(code, code)) for code in (value if isinstance(value, list) else [value]))
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if field.many_to_one:
            return self.name_of(field.related_model, value)
        return readable_value(value)

    def _labels_of(self, entry: PersonalData, name: str) -> dict:
        key = (entry.model, name)
        if key not in self._labels:
            self._labels[key] = entry.labels[name]()
        return self._labels[key]


def change_reason_text(reason: str | None, people: dict[str, str] | None = None) -> str:
    """Why a change was made, in words (the reasons are written for machines, in English); the
    system's on behalf of whom by `people`'s name for the username, if given."""
    if not reason:
        return ""
    on_behalf = _ON_BEHALF.fullmatch(reason)
    if on_behalf:
        doing = _SYSTEM_DOINGS.get(on_behalf["doing"], on_behalf["doing"])
        person = (people or {}).get(on_behalf["username"], on_behalf["username"])
        return _("system: %(doing)s, on behalf of %(person)s") % {"doing": doing, "person": person}
    return str(_REASONS.get(reason, reason))


def readable_value(value) -> str:
    """A value without a field to explain it (no choices, no link) as a person reads it."""
    if value in _EMPTY:
        return _NOTHING
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime):
        return moment_text(value)
    if isinstance(value, date):
        return day_text(value)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


# --- The subject access export, to read ----------------------------------------------------------
#
# The JSON (caseflow.audit.personal_data.subject_access) keeps codes and ids: it is for machines. The page a
# parent is handed, on screen or printed, says the same as the case's history does.


@dataclass
class ReadableSection:
    title: str
    rows: list[list[tuple[str, str]]]  # each row's (label, value) pairs
    changes: list[Change]  # newest first


def subject_access_readable(case: Case) -> dict:
    """Everything held about the people of a case, each value as the history shows it, and who
    looked at the case. Queries: the timeline's, one per model for the rows as they are now, one
    for the access log."""
    history = [(entry, _history_rows(entry, case)) for entry in personal_data()]
    reader = _HistoryReader(history)
    sections = []
    for entry, rows in history:
        current = entry.model._base_manager.filter(**{entry.case_field: case.pk}).order_by("pk")
        sections.append(ReadableSection(
            str(entry.title or entry.model._meta.verbose_name_plural),
            [_readable_row(entry, row, reader) for row in current],
            sorted(_changes(entry, rows, reader), key=lambda change: change.when, reverse=True),
        ))  # fmt: skip
    looks = AccessLog.objects.filter(case=case).select_related("user").order_by("at", "id")
    return {
        "made_at": moment_text(timezone.now()),
        "sections": sections,
        "access_log": [(moment_text(look.at), look.user, access_words(look.action, look.what)) for look in looks],
    }


def _readable_row(entry: PersonalData, row, reader: _HistoryReader) -> list[tuple[str, str]]:
    return [(capfirst(str(field.verbose_name)), reader.value(entry, field, row)) for field in _shown_fields(entry)]
