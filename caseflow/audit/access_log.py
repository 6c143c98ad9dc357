"""Who did and saw what: the access log and how its rows read.

Reads are logged per page: a view notes which cases its page shows
(`access_record`, `access_record_cases`; `caseflow.accounts.access.case_for` does it
for every view that fetches a case), and AccessLogMiddleware writes one row
per case once the page has been answered with 200, in one INSERT. A refusal,
a redirect or an error showed nothing and writes nothing; a page that shows a
case twice (the helper, then the view naming an export) writes one row.

The log keeps codes; `access_words` says a row in words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.apps import apps
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from caseflow.audit.models import AccessAction, AccessLog
from caseflow.audit.page_names import NAMED_PAGES, PAGE_NAMES
from caseflow.cases.models import Case

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
# Pages whose code carries a part (a figure's key, a loket), registered by whoever has the page.
_PAGES_WITH_PARTS: dict[str, tuple[re.Pattern, Callable[[re.Match], str]]] = {}


def register_page_words(pattern: str, words: Callable[[re.Match], str]) -> None:
    """`words(found)` says in words a page whose code matches `pattern` as a whole."""
    _PAGES_WITH_PARTS[pattern] = (re.compile(pattern), words)



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
    for pattern, words in ((_ADMIN_PAGE, _admin_page_name), *_PAGES_WITH_PARTS.values()):
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
