"""Who did and saw what: the access log and the change timeline of a case.

Reads are logged per page: a view notes which cases its page shows
(`access_record`, `access_record_cases`; `caseflow.access.case_for` does it
for every view that fetches a case), and AccessLogMiddleware writes one row
per case once the page has been answered with 200, in one INSERT. A refusal,
a redirect or an error showed nothing and writes nothing; a page that shows a
case twice (the helper, then the view naming an export) writes one row.

The timeline is read from the history tables of every model that hangs on a
case (the registry in caseflow/privacy.py): one query per model, the changes
computed here by comparing each history row with the one before it, and one
query per model the rows link to, so that every value reads as a person reads
it (labels, names, Ja/Nee, Dutch moments), never as a code or an id. The access
log keeps codes; `access_words` says a row in words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.apps import apps
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from caseflow.dates import day_text, moment_text
from caseflow.models import AccessAction, AccessLog, Case
from caseflow.page_names import NAMED_PAGES, PAGE_NAMES
from caseflow.privacy import PersonalData, personal_data

_NOT_SHOWN = {"id", "version", "search_name", "form_token"}

# --- The access log ------------------------------------------------------------------------

_NOTED = "_caseflow_access_noted"


def access_record(request: HttpRequest, action: str, *, case: Case | None = None, what: str = "") -> None:
    """Note that this page shows `case` (or, without a case, does `action`): one access row.

    `what` names the page or export, never a person nor what was typed; empty, it is the
    page's URL name. The last note for a case wins, so a view may name its export after
    case_for noted a view.
    """
    _note(request, case.pk if case else None, action, what)


def access_record_cases(request: HttpRequest, action: str, case_ids: Iterable[int], *, what: str = "") -> None:
    """A page that lists cases with their personal data: one row per case shown."""
    for case_id in case_ids:
        _note(request, case_id, action, what)


def access_record_search(request: HttpRequest, case_ids: Iterable[int], *, how: str) -> None:
    """A search: one row per case it showed, or one without a case if it found none, so that
    every search is in the log. `how` says what was searched by ("phone", "name"), never
    what was typed: that is a name or a number."""
    case_ids = list(case_ids)
    if case_ids:  # how many it showed: one case looked up differs from a list of forty
        access_record_cases(request, AccessAction.SEARCH, case_ids, what=f"search by {how}: {len(case_ids)} found")
    else:
        _note(request, None, AccessAction.SEARCH, f"search by {how}: nothing found")


def _note(request: HttpRequest, case_id: int | None, action: str, what: str) -> None:
    noted = request.__dict__.setdefault(_NOTED, {})
    noted[case_id] = (action, (what or _page_name(request))[:200])


def _page_name(request: HttpRequest) -> str:
    match = request.resolver_match
    return match.view_name if match else request.path


def access_rows_write(request: HttpRequest) -> None:
    """Write the rows noted so far, in one INSERT. AccessLogMiddleware calls it after the page;
    a page that shows the log itself (who looked, an export) calls it first, to be in it."""
    noted = request.__dict__.pop(_NOTED, {})
    if noted:
        AccessLog.objects.bulk_create(
            [AccessLog(user=request.user, action=action, case_id=case_id, what=what)
             for case_id, (action, what) in noted.items()]
        )  # fmt: skip


class AccessLogMiddleware:
    """Writes the access rows the view noted, once it answered with the page itself (200)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 200:
            access_rows_write(request)
        return response


# --- How a row reads ------------------------------------------------------------------------
#
# A row keeps the page as code (a URL name, "search by phone: 1 found"): the log is filtered and
# exported by it, and rows outlive a change of wording. The pages that show the log say it in
# words; a code that has no words yet is shown as it is, never hidden.

_SEARCH = re.compile(r"search by (?P<how>.+?)(?:: (?:(?P<found>\d+) found|(?P<none>nothing found)))?")
_SEARCHED_BY = {
    "phone": gettext_lazy("searched by phone number"),
    "name": gettext_lazy("searched by name"),
    "reference": gettext_lazy("searched by case number"),
}
_ADMIN_PAGE = re.compile(r"admin (?P<model>\w+) (?P<page>page|history|list)")
_REFERRAL_PACKAGE = re.compile(r"referral package (?P<loket>[\w-]+)")
_FIGURES = re.compile(r"figures:(?P<key>[\w-]+):(?P<weeks>\d+)w")


@dataclass(frozen=True)
class AccessWords:
    action: str  # "bekeken", "gezocht op telefoonnummer"
    page: str  # "zaak", "1 zaak"; empty when the action says it all

    def __str__(self) -> str:
        return f"{self.action}: {self.page}" if self.page else self.action


def access_words(action: str, what: str) -> AccessWords:
    """What a row of the access log says, in the user's language."""
    searched = _SEARCH.fullmatch(what) if action == AccessAction.SEARCH else None
    if searched:
        return _search_words(searched)
    action_label = str(dict(AccessAction.choices).get(action, action))
    return AccessWords(action_label, page_name(what) or what)


def _search_words(searched: re.Match) -> AccessWords:
    how = searched["how"]
    admin_list = _ADMIN_PAGE.fullmatch(how)
    if admin_list:
        model = _model_named(admin_list["model"])
        models = model._meta.verbose_name_plural if model else admin_list["model"]
        searched_by = _("searched in the management site (%(models)s)") % {"models": models}
    else:
        searched_by = _SEARCHED_BY.get(how, AccessAction.SEARCH.label)
    if searched["none"]:
        found = _("nothing found")
    elif searched["found"]:
        count = int(searched["found"])
        found = ngettext("%(count)d case", "%(count)d cases", count) % {"count": count}
    else:  # written before searches counted what they found
        found = ""
    return AccessWords(str(searched_by), found)


def page_name(what: str) -> str | None:
    """The page or export a row names, in words; None if it has none."""
    named = NAMED_PAGES.get(what) or PAGE_NAMES.get(what)
    if named:
        return str(named)
    for pattern, words in (
        (_ADMIN_PAGE, _admin_page_name),
        (_REFERRAL_PACKAGE, lambda found: _("referral package %(loket)s") % {"loket": found["loket"]}),
        (_FIGURES, _figures_name),
    ):
        found = pattern.fullmatch(what)
        if found:
            return str(words(found))
    return None


def _model_named(model_name: str):
    return next((model for model in apps.get_models() if model._meta.model_name == model_name), None)


def _admin_page_name(found: re.Match) -> str:
    model = _model_named(found["model"])
    if model is None:
        return _("management site")
    if found["page"] == "list":
        return _("management site: list of %(models)s") % {"models": model._meta.verbose_name_plural}
    if found["page"] == "history":
        return _("management site: history of %(model)s") % {"model": model._meta.verbose_name}
    return _("management site: %(model)s") % {"model": model._meta.verbose_name}


def _figures_name(found: re.Match) -> str:
    from caseflow.team import series  # the figures' registry; imported here, it imports the models

    figure = series(found["key"])
    title = figure.title if figure else found["key"]
    weeks = int(found["weeks"])
    return ngettext("figures: %(title)s, %(weeks)d week", "figures: %(title)s, %(weeks)d weeks", weeks) % {
        "title": title, "weeks": weeks,
    }  # fmt: skip


# "Who looked": views of a case by the same person, with the same action, within this time of
# the latest of them are one line ("Jan Jansen — 3× bekeken, 10:02–10:05").
REPEATED_VIEWS_WITHIN = timedelta(minutes=5)
# The rows read for the lines: enough for the lines shown unless someone reloads a page this
# often; the team lead's access log has every row.
_VIEWER_ROWS_READ = 200


@dataclass
class ViewerLine:
    user: object
    action: str
    count: int
    first: datetime
    last: datetime
    said: list[AccessWords]  # each row's words, newest first

    @property
    def label(self) -> str:
        """The rows' words as one, oldest first, each page once: "bekeken: zaak, gegevens van het kind"."""
        pages: dict[str, list[str]] = {}
        for words in reversed(self.said):
            listed = pages.setdefault(words.action, [])
            if words.page and words.page not in listed:
                listed.append(words.page)
        return "; ".join(str(AccessWords(action, ", ".join(listed))) for action, listed in pages.items())


def case_viewers(case: Case, *, limit: int = 10) -> list[ViewerLine]:
    """The latest `limit` lines of who looked at the case, newest first, repeated views collapsed."""
    rows = AccessLog.objects.filter(case=case).select_related("user").order_by("-at", "-id")[:_VIEWER_ROWS_READ]
    return viewer_lines(rows)[:limit]


def viewer_lines(rows: Iterable[AccessLog]) -> list[ViewerLine]:
    """`rows` newest first, as lines: a row joins the line of the same user and action while it
    is within REPEATED_VIEWS_WITHIN of that line's latest row."""
    lines: list[ViewerLine] = []
    current: dict[tuple[int, str], ViewerLine] = {}
    for row in rows:
        key = (row.user_id, row.action)
        line = current.get(key)
        words = access_words(row.action, row.what)
        if line is not None and line.last - row.at <= REPEATED_VIEWS_WITHIN:
            line.count, line.first = line.count + 1, row.at
            line.said.append(words)
            continue
        current[key] = ViewerLine(row.user, row.action, 1, row.at, row.at, [words])
        lines.append(current[key])
    return lines


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
# The JSON (caseflow.privacy.subject_access) keeps codes and ids: it is for machines. The page a
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
