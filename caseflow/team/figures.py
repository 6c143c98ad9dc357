"""The figures apps add to the dashboard, and the series of the figures-over-time page.

Apps add their own figures (referrals waiting, consents expiring) and series
(calls per week) in their AppConfig.ready(), so caseflow imports none of them.
Every figure is a fixed number of queries, whatever the number of cases.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Min, OuterRef, Q, Subquery
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from caseflow.callbacks.models import Callback, CallbackStatus
from caseflow.cases.models import Case

# --- Case figures other apps add --------------------------------------------------------


@dataclass(frozen=True)
class CaseFigure:
    """A count of open cases that match `condition` (a Q on Case), with a link to them in the queue."""

    key: str
    label: str
    order: int
    condition: Callable[[], Q]


_FIGURES: dict[str, CaseFigure] = {}


def register_case_figure(figure: CaseFigure) -> None:
    _FIGURES[figure.key] = figure


def case_figures() -> list[CaseFigure]:
    return sorted(_FIGURES.values(), key=lambda figure: figure.order)


def case_figure(key: str) -> CaseFigure | None:
    return _FIGURES.get(key)


@dataclass(frozen=True)
class WorkFigure:
    """A count of work that is not a case yet (messages in the inbox), with a link to its own list.

    Other apps register it, because caseflow knows nothing of their models; `count` runs one query.
    """

    key: str
    label: str
    order: int
    count: Callable[[], int]
    url_name: str


_WORK_FIGURES: dict[str, WorkFigure] = {}


def register_work_figure(figure: WorkFigure) -> None:
    _WORK_FIGURES[figure.key] = figure


def work_figures() -> list[WorkFigure]:
    return sorted(_WORK_FIGURES.values(), key=lambda figure: figure.order)


# --- Figures over time -----------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    """Rows of (label, value) over a period, shown as a bar chart with a CSV export."""

    key: str
    title: str
    unit: str
    order: int
    rows: Callable[[datetime, datetime], list[tuple[str, float]]]


_SERIES: dict[str, Series] = {}


def register_series(series: Series) -> None:
    _SERIES[series.key] = series


def all_series() -> list[Series]:
    return sorted(_SERIES.values(), key=lambda series: series.order)


def series_by_key(key: str) -> Series | None:
    return _SERIES.get(key)


def export_what(series: Series, weeks: int) -> str:
    """How the access log codes the export of a series (EXPORT_PAGE reads it back)."""
    return f"figures:{series.key}:{weeks}w"


EXPORT_PAGE = r"figures:(?P<key>[\w-]+):(?P<weeks>\d+)w"


def export_page_words(found: re.Match) -> str:
    """An export in the access log, in words: the series' title and the weeks it covered."""
    series = series_by_key(found["key"])
    title = series.title if series else found["key"]
    weeks = int(found["weeks"])
    return ngettext("figures: %(title)s, %(weeks)d week", "figures: %(title)s, %(weeks)d weeks", weeks) % {
        "title": title, "weeks": weeks,
    }  # fmt: skip


def week_label(day: date | datetime) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def weeks_between(start: datetime, end: datetime) -> list[str]:
    """Every ISO week of the period, so that a week without rows shows as zero."""
    labels, day = [], timezone.localtime(start).date()
    while day <= timezone.localtime(end).date():
        if (label := week_label(day)) not in labels:
            labels.append(label)
        day += timedelta(days=1)
    return labels


def per_week(queryset, field: str, start: datetime, end: datetime, value=None) -> list[tuple[str, float]]:
    """Rows counted (or `value` aggregated) per ISO week of `field`."""
    found = dict.fromkeys(weeks_between(start, end), 0)
    rows = (
        queryset.filter(**{f"{field}__gte": start, f"{field}__lt": end})
        .annotate(week=TruncWeek(field))
        .order_by()
        .values_list("week")
        .annotate(value=value if value is not None else Count("id"))
    )
    for week, amount in rows:
        found[week_label(week)] = _number(amount)
    return list(found.items())


def _number(amount) -> float:
    """A figure to draw: durations in days, everything rounded to one decimal."""
    if isinstance(amount, timedelta):
        return round(amount.total_seconds() / 86400, 1)
    return round(amount or 0, 1)


def _topics(start: datetime, end: datetime) -> list[tuple[str, float]]:
    rows = (
        Case.objects.filter(opened_at__gte=start, opened_at__lt=end)
        .order_by()
        .values_list("topics__name")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    return [(name or _("no topic"), n) for name, n in rows]


def _first_callback_days(start: datetime, end: datetime) -> list[tuple[str, float]]:
    """Average days from opening (the first call) to the first call-back made, per week opened."""
    first_done = (
        Callback.objects.filter(case=OuterRef("pk"), status=CallbackStatus.DONE)
        .order_by()
        .values("case")
        .annotate(first=Min("finished_at"))
        .values("first")
    )
    cases = Case.objects.annotate(first_callback=Subquery(first_done)).filter(first_callback__isnull=False)
    waited = ExpressionWrapper(F("first_callback") - F("opened_at"), output_field=DurationField())
    return per_week(cases, "opened_at", start, end, value=Avg(waited, output_field=DurationField()))


def _on_time_share(start: datetime, end: datetime) -> list[tuple[str, float]]:
    """Of the call-backs due in each week that are finished, the share made within their window (%)."""
    finished = Callback.objects.filter(status__in=(CallbackStatus.DONE, CallbackStatus.NOT_REACHED))
    totals = dict(per_week(finished, "due_at", start, end))
    on_time = dict(per_week(finished.filter(finished_at__lte=F("window_ends_at")), "due_at", start, end))
    return [(week, round(100 * on_time[week] / total, 1) if total else 0) for week, total in totals.items()]


register_series(Series("topics", _("Cases opened per topic"), _("cases"), 20, _topics))
register_series(Series("first-callback", _("Days from first call to first call-back"), _("days"), 40,
                       _first_callback_days))  # fmt: skip
register_series(Series("callbacks-on-time", _("Call-backs made on time"), "%", 50, _on_time_share))
