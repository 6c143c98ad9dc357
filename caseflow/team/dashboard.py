"""The team lead's dashboard: open cases by group and age, stale cases, each advisor's load."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caseflow.accounts import roles
from caseflow.accounts.models import User
from caseflow.callbacks import office_hours
from caseflow.callbacks.models import Callback
from caseflow.cases.models import OPEN_STATUSES, Case, CaseStatus
from caseflow.team import tally
from caseflow.team.figures import CaseFigure, case_figures, work_figures

# --- Age buckets of open cases ----------------------------------------------------------


@dataclass(frozen=True)
class AgeBucket:
    key: str
    label: str
    min_days: int
    max_days: int | None  # None: no upper limit


AGE_BUCKETS = (
    AgeBucket("week", _("under a week"), 0, 7),
    AgeBucket("month", _("1 to 4 weeks"), 7, 28),
    AgeBucket("quarter", _("1 to 3 months"), 28, 91),
    AgeBucket("older", _("over 3 months"), 91, None),
)


def days_back(now: datetime, days: int) -> datetime:
    """The start (local midnight) of the last `days` days, today included: since then a case is
    under `days` days old, or was contacted within `days` days. Ages count in whole days."""
    return office_hours.local_datetime(timezone.localdate(now) - timedelta(days=days - 1), time.min)


def age_condition(bucket: AgeBucket, now: datetime) -> Q:
    condition = Q(opened_at__lt=days_back(now, bucket.min_days)) if bucket.min_days else Q()
    if bucket.max_days is not None:
        condition &= Q(opened_at__gte=days_back(now, bucket.max_days))
    return condition


def stale_since(now: datetime) -> datetime:
    """A case without contact (nor opening, before a first contact) since then is stale."""
    return days_back(now, settings.TEAM_STALE_DAYS)


def stale_condition(now: datetime) -> Q:
    """No contact within TEAM_STALE_DAYS days (nor an opening, for a case without a contact yet)."""
    since = stale_since(now)
    return Q(last_contact_at__lt=since) | Q(last_contact_at=None, opened_at__lt=since)


# --- The dashboard ------------------------------------------------------------------------


@dataclass
class AdvisorLoad:
    advisor: User
    open_cases: int = 0
    open_callbacks: int = 0
    overdue_callbacks: int = 0


AT_HOME_SHOWN = 10
# What the list of children at home longest shows; not the summaries and notes of the cases.
AT_HOME_FIELDS = ("reference", "at_home", "at_home_since", "owner__first_name", "owner__last_name", "owner__username")


def dashboard_figures(now: datetime | None = None) -> dict:
    """Every figure of the dashboard; a fixed number of queries.

    The counts of cases come from the tallies (caseflow.team.tally): per owner, status, at home,
    flagged and review asked, and per hour opened and last contacted for what changes with the
    clock (age, no recent contact).
    """
    now = now or timezone.now()
    open_cases = Case.objects.open()
    groups = [group for group in tally.case_groups() if group["status"] != CaseStatus.CLOSED]
    totals = _group_totals(groups)
    ages, totals["stale"] = _ages_and_stale(now, totals["total"])
    callbacks = _open_callbacks_per_assignee(now)
    return {
        "now": now,
        "totals": totals,
        "by_status": [(status, totals["status"][status]) for status in OPEN_STATUSES],
        "ages": [(bucket, ages[bucket.key]) for bucket in AGE_BUCKETS],
        "callbacks": {key: sum(counts[key] for counts in callbacks.values()) for key in CALLBACK_COUNTS},
        "loads": _advisor_loads(groups, callbacks),
        "at_home_longest": list(
            open_cases.filter(at_home="yes", at_home_since__isnull=False)
            .select_related("owner")
            .only(*AT_HOME_FIELDS)
            .order_by("at_home_since", "id")[:AT_HOME_SHOWN]
        ),
        "figures": case_figure_counts(open_cases),
        "work": [(figure, figure.count()) for figure in work_figures()],
        "stale_days": settings.TEAM_STALE_DAYS,
    }


def case_figure_counts(open_cases) -> list[tuple[CaseFigure, int]]:
    """The figures apps add, all in one query: one pass over the open cases, each figure a
    filtered count, instead of a pass per figure (make bench at 200,000 cases: the dashboard's
    p50 from 52 to 44 ms with two figures)."""
    figures = case_figures()
    if not figures:
        return []
    counts = open_cases.order_by().aggregate(
        **{f"figure_{index}": Count("id", filter=figure.condition()) for index, figure in enumerate(figures)}
    )
    return [(figure, counts[f"figure_{index}"]) for index, figure in enumerate(figures)]


def _group_totals(groups: list[dict]) -> dict:
    totals = dict.fromkeys(("total", "unassigned", "children_at_home", "children_at_risk", "flagged", "review"), 0)
    totals["status"] = dict.fromkeys(OPEN_STATUSES, 0)
    for group in groups:
        cases = group["cases"]
        totals["total"] += cases
        totals["status"][group["status"]] += cases
        totals["unassigned"] += cases if group["owner_id"] is None else 0
        totals["children_at_home"] += cases if group["at_home"] == "yes" else 0
        totals["children_at_risk"] += cases if group["at_home"] == "at_risk" else 0
        totals["flagged"] += cases if group["flagged"] else 0
        totals["review"] += cases if group["review_asked"] else 0
    return totals


def _ages_and_stale(now: datetime, total: int) -> tuple[dict[str, int], int]:
    """Open cases per age bucket, and how many had no contact within TEAM_STALE_DAYS, from the
    hour tally (caseflow.team.tally): the cases opened since the start of each bucket and contacted
    since the cutoff; the oldest bucket and the stale cases are what is left of the total."""
    since = tally.open_cases_since(
        now,
        contacted=(tally.CONTACT, stale_since(now)),
        **{bucket.key: (tally.OPENED, days_back(now, bucket.max_days)) for bucket in AGE_BUCKETS if bucket.max_days},
    )
    ages, younger = {}, 0
    for bucket in AGE_BUCKETS:
        opened_since = since[bucket.key] if bucket.max_days else total
        ages[bucket.key], younger = opened_since - younger, opened_since
    return ages, total - since["contacted"]


def with_recent_contact(cases, now: datetime) -> int:
    """How many of `cases` are not stale (stale_condition): a contact since the cutoff, or opened
    since without one yet. Two counts, as one with OR could not read either index; the stale
    ones, most open cases at ten years of data, are what is left of a total."""
    since = stale_since(now)
    contacted = cases.filter(last_contact_at__gte=since).count()
    return contacted + cases.filter(last_contact_at=None, opened_at__gte=since).count()


# What the dashboard counts of the open call-backs, per assignee and in all.
CALLBACK_COUNTS = ("total", "escalated", "overdue", "today")


@dataclass(frozen=True)
class CallbackList:
    """The open call-backs behind one of the dashboard's call-back figures (CALLBACK_COUNTS)."""

    key: str  # in the list's address: ?lijst=<key>
    figure: str
    title: str
    condition: Callable[[datetime], Q]  # on the open call-backs, at `now`


CALLBACK_LISTS = {
    callback_list.key: callback_list
    for callback_list in (
        CallbackList("te-laat", "overdue", _("Overdue call-backs"), lambda now: Q(window_ends_at__lt=now)),
        CallbackList("geescaleerd", "escalated", _("Escalated to the team leads"), lambda now: ~Q(escalated_at=None)),
        # Due before tomorrow: the overdue ones of earlier days are still to make too.
        CallbackList("vandaag", "today", _("Still to make today"), lambda now: Q(due_at__lt=days_back(now, 0))),
    )
}
_LIST_OF = {callback_list.figure: callback_list for callback_list in CALLBACK_LISTS.values()}


def callbacks_listed(callback_list: CallbackList, now: datetime):
    """The open call-backs of `callback_list`, earliest first, with what their rows show."""
    return (
        Callback.objects.open()
        .filter(callback_list.condition(now))
        .select_related("case", "assigned_to", "next_attempt")
        .order_by("due_at", "id")
    )


def _open_callbacks_per_assignee(now: datetime) -> dict[int | None, dict[str, int]]:
    """CALLBACK_COUNTS per assignee (None: the team queue). In all and escalated come from the
    tally (caseflow.team.tally); overdue and still to make today are counted among the few call-backs
    due before tomorrow, from their index alone (models.Callback, callback_open_due). Each count
    but the total has the condition of its list (CALLBACK_LISTS), so a figure is its list's length."""
    counts: dict[int | None, dict[str, int]] = defaultdict(lambda: dict.fromkeys(CALLBACK_COUNTS, 0))
    for group in tally.callback_groups():
        assignee = counts[group["assigned_to_id"]]
        assignee["total"] += group["callbacks"]
        assignee["escalated"] += group["callbacks"] if group["escalated"] else 0
    due_by_tomorrow = Callback.objects.open().filter(_LIST_OF["today"].condition(now)).order_by()
    # Only columns of the index (no id, no status): any other would make PostgreSQL read every
    # row from the table (4 ms instead of 1 at ten years of data).
    overdue, today = Count("due_at", filter=_LIST_OF["overdue"].condition(now)), Count("due_at")
    for row in due_by_tomorrow.values("assigned_to").annotate(overdue=overdue, today=today):
        counts[row["assigned_to"]].update(overdue=row["overdue"], today=row["today"])
    return counts


def _advisor_loads(groups: list[dict], callbacks: dict[int | None, dict[str, int]]) -> list[AdvisorLoad]:
    """Open cases and call-backs per active advisor, busiest first, from the dashboard's counts."""
    advisors = User.objects.filter(is_active=True, groups__name=roles.ADVISOR).order_by("first_name", "username")
    loads = {advisor.pk: AdvisorLoad(advisor) for advisor in advisors}
    for group in groups:
        if group["owner_id"] in loads:
            loads[group["owner_id"]].open_cases += group["cases"]
    for assignee, counts in callbacks.items():
        if assignee in loads:
            load = loads[assignee]
            load.open_callbacks, load.overdue_callbacks = counts["total"], counts["overdue"]
    return sorted(loads.values(), key=lambda load: (-load.open_cases, str(load.advisor)))
