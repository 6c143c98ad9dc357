"""The filters and sort orders of the team lead's case queue (django-filter).

Every dashboard figure links here with the filter that reproduces it.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caseflow.cases.models import AtHome, CaseStatus, Topic
from caseflow.team import tally
from caseflow.team.dashboard import AGE_BUCKETS, age_condition, stale_condition, with_recent_contact
from caseflow.team.figures import case_figure, case_figures
from caseflow.team.html import QuickSelect

OPEN, ALL, NOBODY = "open", "all", "none"


def owner_choices(owners) -> list[tuple[str, str]]:
    """The owners a case can be filtered on or reassigned to: the team queue, then `owners`."""
    return [(NOBODY, _("Team queue (nobody)"))] + [(str(user.pk), str(user)) for user in owners]


def topic_choices() -> list[tuple[int, str]]:
    """Every topic (retired ones stay on old cases) as (id, name): a model instance per topic
    took more of the queue's time than its query (make bench)."""
    return list(Topic.objects.values_list("pk", "name"))


class FormSelect(QuickSelect):
    """Bootstrap's class on the widget itself: the filter bar writes its own few lines of markup
    per field (queue.html) instead of crispy's templates, which cost more than the queue's queries."""

    def __init__(self, attrs=None, choices=()):
        super().__init__({"class": "form-select", **(attrs or {})}, choices)


class FormCheckbox(forms.CheckboxInput):
    """Bootstrap's class on the checkbox itself, as FormSelect."""

    def __init__(self, attrs=None, check_test=None):
        super().__init__({"class": "form-check-input", **(attrs or {})}, check_test)


class StableOrdering(django_filters.OrderingFilter):
    """The chosen order, then the id in the same direction: without it, cases with the same
    date could show on two pages or on none (and the indexes end in the id as well).

    Cases without an "at home since" come after the others in both directions, on every
    database: PostgreSQL puts empty values first when descending, SQLite when ascending.
    The dates of contact and opening keep a plain order, which their indexes serve.
    """

    EMPTY_LAST = frozenset({"at_home_since"})

    def filter(self, qs: QuerySet, value) -> QuerySet:
        params = [param for param in value or () if param]
        if not params:
            return qs
        descending = params[0].startswith("-")
        return qs.order_by(*(self._order(param) for param in params), "-id" if descending else "id")

    def _order(self, param: str):
        field = self.get_ordering_value(param).lstrip("-")
        if param.startswith("-"):
            return F(field).desc(nulls_last=True) if field in self.EMPTY_LAST else f"-{field}"
        return F(field).asc(nulls_last=True) if field in self.EMPTY_LAST else field


# The filters whose count the tally of cases can give (QueueFilter.count).
TALLIED_FILTERS = frozenset({"status", "owner", "at_home", "flagged", "stale"})


def _in_group(group: dict, chosen: dict) -> bool:
    """Does a tally group (caseflow.team.tally.GROUP) hold cases that the chosen filters select?
    The same conditions as QueueFilter's filter methods, on the group's columns."""
    status, owner = chosen.get("status", ALL), chosen.get("owner")
    return (
        (status == ALL or (status == OPEN and group["status"] != CaseStatus.CLOSED) or group["status"] == status)
        and (owner is None or (group["owner_id"] is None if owner == NOBODY else str(group["owner_id"]) == owner))
        and chosen.get("at_home", group["at_home"]) == group["at_home"]
        and (group["flagged"] or not chosen.get("flagged"))
    )


class QueueFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(OPEN, _("Open (all but closed)")), *CaseStatus.choices, (ALL, _("All"))],
        empty_label=None,
        method="filter_status",
        widget=FormSelect,
    )
    # Its choices are the owners the view passes in (one list for this filter and the reassign form).
    owner = django_filters.ChoiceFilter(label=_("Owner"), method="filter_owner", widget=FormSelect)
    age = django_filters.ChoiceFilter(
        label=_("Open for"),
        choices=[(b.key, b.label) for b in AGE_BUCKETS],
        method="filter_age",
        widget=FormSelect,
    )
    at_home = django_filters.ChoiceFilter(
        label=_("At home without school"), choices=AtHome.choices, widget=FormSelect
    )
    stale = django_filters.BooleanFilter(
        label=_("No recent contact"), method="filter_stale", widget=FormCheckbox
    )
    flagged = django_filters.BooleanFilter(label=_("Flagged"), method="filter_flagged", widget=FormCheckbox)
    topic = django_filters.ChoiceFilter(label=_("Topic"), field_name="topics", choices=topic_choices, widget=FormSelect)
    figure = django_filters.ChoiceFilter(
        label=_("Figure"),
        choices=lambda: [(f.key, f.label) for f in case_figures()],
        method="filter_figure",
        widget=FormSelect,
    )
    sort = StableOrdering(
        label=_("Sort by"),
        fields=(("last_contact_at", "contact"), ("opened_at", "opened"), ("at_home_since", "at_home_since")),
        # Each label says its order. django-filter looks up an ascending label by the model
        # field's name and a descending one by "-" and the parameter.
        field_labels={
            "last_contact_at": _("Oldest contact first"),
            "-contact": _("Newest contact first"),
            "opened_at": _("Oldest case first"),
            "-opened": _("Newest case first"),
            "at_home_since": _("Longest at home first"),
            "-at_home_since": _("Shortest at home first"),
        },
        empty_label=None,
        widget=FormSelect,
    )

    def __init__(self, data=None, *args, owners, **kwargs):
        # Open cases, most recent contact first, unless the team lead asks otherwise.
        data = data.copy() if data is not None else {}
        data.setdefault("status", OPEN)
        data.setdefault("sort", "-contact")
        super().__init__(data, *args, **kwargs)
        self.filters["owner"].extra["choices"] = owner_choices(owners)

    def count(self) -> int:
        """How many cases the filters select: from the tally of cases when it can tell (caseflow/team/tally.py).

        At 200,000 cases counting the selected cases was most of the queue's time. The tally knows
        the cases per status, owner, at home and flagged; "no recent contact" is what is left after
        the few with a recent one. Any other filter is counted by the database.
        """
        if not (tally.kept_by_triggers() and self.is_valid()):
            return self.qs.count()
        chosen = {name: value for name, value in self.form.cleaned_data.items() if value not in (None, "", False)}
        chosen.pop("sort", None)
        if not chosen.keys() <= TALLIED_FILTERS:
            return self.qs.count()
        total = sum(group["cases"] for group in tally.case_groups() if _in_group(group, chosen))
        if not chosen.get("stale"):
            return total
        others = self.queryset.all()
        for name in chosen.keys() - {"stale"}:
            others = self.filters[name].filter(others, chosen[name])
        return total - with_recent_contact(others, timezone.now())

    def filter_status(self, cases: QuerySet, name: str, value: str) -> QuerySet:
        if value == OPEN:
            return cases.open()
        return cases if value == ALL else cases.filter(status=value)

    def filter_owner(self, cases: QuerySet, name: str, value: str) -> QuerySet:
        return cases.filter(owner=None) if value == NOBODY else cases.filter(owner_id=value)

    def filter_age(self, cases: QuerySet, name: str, value: str) -> QuerySet:
        bucket = next(b for b in AGE_BUCKETS if b.key == value)
        return cases.filter(age_condition(bucket, timezone.now()))

    def filter_stale(self, cases: QuerySet, name: str, value: bool) -> QuerySet:
        return cases.filter(stale_condition(timezone.now())) if value else cases

    def filter_flagged(self, cases: QuerySet, name: str, value: bool) -> QuerySet:
        # An unticked box arrives as False: it means "any", not "only the cases that are not flagged".
        return cases.filter(flagged_at__isnull=False) if value else cases

    def filter_figure(self, cases: QuerySet, name: str, value: str) -> QuerySet:
        figure = case_figure(value)
        return cases.filter(figure.condition()) if figure else cases.filter(Q(pk__in=[]))
