"""The HTML of the team lead's pages that is written in Python instead of in templates.

At a helpline's volume (make bench, 200,000 cases) Django's templates, not the database, were
most of these pages' time, for the parts that repeat per row:
- the queue's 50 rows of template filters (dates, choice labels, truncation) took a third of
  the queue's time, and then their dozen template variables a row still a tenth (QueueRow);
- the queue's filter has two lists of every advisor and one of every topic, whose <option>s
  Django renders each through a template of its own: together more of the page's time than
  its database queries (QuickSelect);
- the dashboard's lists of advisors and of children longest at home: their template variables
  took a tenth of the dashboard's time (load_row, at_home_item).
Django's admin writes its changelist rows in Python for the same reason. Everything here goes
through format_html, so every value is escaped as a template would (tests/caseflow/team/
test_html.py compares QuickSelect with Django's own Select; the pages' tests read the rows).
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from caseflow.cases.models import AtHome, Case, CaseStatus
from caseflow.team.dashboard import AdvisorLoad

# --- The queue ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QueueRow:
    """One case as the queue shows it, every value ready to print, and its table row."""

    pk: int
    reference: str
    url: str
    status: str
    status_label: str
    owner: str
    opened: str
    last_contact: str
    at_home: str
    summary: str
    flag_reason: str | None  # None: not flagged
    review_asked: bool

    def html(self, *, tick_name: str) -> str:
        """The <tr>, with a checkbox named `tick_name` to reassign the case; every value escaped."""
        badges = []
        if self.flag_reason is not None:
            badges.append(format_html(' <span class="badge text-bg-warning" title="{}">{}</span>', self.flag_reason,
                                      _("flagged")))  # fmt: skip
        if self.review_asked:
            badges.append(format_html(' <span class="badge text-bg-info">{}</span>', _("review")))
        all_badges = format_html_join("", "{}", ((badge,) for badge in badges))
        return format_html(
            '<tr data-testid="queue-row">'
            '<td><input class="form-check-input" type="checkbox" name="{}" value="{}" aria-label="{}"></td>'
            '<td><a href="{}">{}</a>{}</td>'
            '<td><span class="badge status-{}" data-testid="case-status">{}</span></td>'
            "<td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
            '<td class="small">{}</td></tr>',
            tick_name, self.pk, self.reference,
            self.url, self.reference, all_badges,
            self.status, self.status_label,
            self.owner, self.opened, self.last_contact, self.at_home,
            self.summary,
        )  # fmt: skip


SUMMARY_SHOWN = 80


def queue_rows(cases) -> list[QueueRow]:
    statuses = {value: str(label) for value, label in CaseStatus.choices}
    at_home = {value: str(label) for value, label in AtHome.choices}
    # As the date filter's "b": Dutch writes a month in lower case ("3 dec 2026").
    months = {number: str(name) for number, name in MONTHS_3.items()}

    def day(moment) -> str:
        if moment is None:
            return "—"
        local = timezone.localtime(moment)
        return f"{local.day} {months[local.month]} {local.year}"

    def home(case: Case) -> str:
        weeks = case.weeks_at_home
        if weeks is not None:
            return _weeks(weeks)
        return at_home[case.at_home] if case.at_home != AtHome.NO else ""

    def short(text: str) -> str:
        return text if len(text) <= SUMMARY_SHOWN else text[: SUMMARY_SHOWN - 1] + "…"

    return [
        QueueRow(
            pk=case.pk,
            reference=case.reference,
            url=case.get_absolute_url(),
            status=case.status,
            status_label=statuses[case.status],
            owner=str(case.owner) if case.owner else _("team queue"),
            opened=day(case.opened_at),
            last_contact=day(case.last_contact_at),
            at_home=home(case),
            summary=short(case.summary),
            flag_reason=case.flag_reason if case.flagged_at else None,
            review_asked=case.review_requested_at is not None,
        )
        for case in cases
    ]


class QuickSelect(forms.Select):
    """A single-choice <select> whose options are written here, not each through a template of
    Django's own: the same markup and escaping as forms.Select; no option groups (none of the
    queue's lists has any)."""

    def render(self, name, value, attrs=None, renderer=None) -> str:
        chosen = set(self.format_value(value))  # the value(s) as strings, as Select compares them
        choices = (("" if option is None else str(option), label) for option, label in self.choices)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((option, mark_safe(" selected") if option in chosen else "", label) for option, label in choices),
        )
        attributes = flatatt(self.build_attrs(self.attrs, attrs))
        return format_html('<select name="{}"{}>{}</select>', name, attributes, options)


# --- The dashboard --------------------------------------------------------------------------


def _weeks(weeks: int) -> str:
    return ngettext("%(weeks)s week", "%(weeks)s weeks", weeks) % {"weeks": weeks}


def at_home_item(case: Case) -> str:
    return format_html(
        '<li><a href="{}">{}</a>: {} · {}</li>',
        case.get_absolute_url(), case.reference, _weeks(case.weeks_at_home), case.owner or _("team queue"),
    )  # fmt: skip


def load_row(load: AdvisorLoad, queue: str) -> str:
    overdue = "text-end text-danger fw-semibold" if load.overdue_callbacks else "text-end"
    return format_html(
        '<tr><td><a href="{}?owner={}">{}</a></td><td class="text-end">{}</td><td class="text-end">{}</td>'
        '<td class="{}">{}</td></tr>',
        queue, load.advisor.pk, load.advisor, load.open_cases, load.open_callbacks, overdue, load.overdue_callbacks,
    )  # fmt: skip
