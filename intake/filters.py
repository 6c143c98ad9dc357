"""The filters of the case lists, declared once (django-filter)."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from caseflow.cases.models import AtHome, CaseStatus, Topic
from intake.models import SchoolType

OPEN = "open"
ALL = "all"


class CaseFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(OPEN, _("Open (all but closed)")), *CaseStatus.choices, (ALL, _("All"))],
        empty_label=None,
        method="filter_status",
    )
    topic = django_filters.ModelChoiceFilter(
        label=_("Topic"), field_name="topics", queryset=Topic.objects.all(), empty_label=_("All topics")
    )
    school_type = django_filters.ChoiceFilter(
        label=_("School type"), field_name="child__school_type", choices=SchoolType.choices, empty_label=_("All")
    )
    at_home = django_filters.ChoiceFilter(
        label=_("At home without school"), choices=AtHome.choices, empty_label=_("All")
    )

    def __init__(self, data=None, *args, **kwargs):
        # Open cases unless the advisor asks for others.
        data = data.copy() if data is not None else {}
        if not data.get("status"):
            data["status"] = OPEN
        super().__init__(data, *args, **kwargs)

    def filter_status(self, cases: QuerySet, name: str, value: str) -> QuerySet:
        if value == OPEN:
            return cases.open()
        if value == ALL:
            return cases
        return cases.filter(status=value)
