"""The intake's panels on the case page: who calls about which child, and the calls."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpRequest

from caseflow.cases.models import Case
from caseflow.cases.panels import CasePanel, register_case_panel
from intake.models import Call, Caller, Child

# The timeline shows this many calls; older ones are rare and summarised by count.
TIMELINE_LENGTH = 100


def _facts(request: HttpRequest, case: Case) -> dict:
    return {
        "child": Child.objects.filter(case=case).first(),
        "callers": list(Caller.objects.filter(case=case)),
    }


def _timeline(request: HttpRequest, case: Case) -> dict:
    calls = (
        Call.objects.filter(case=case)
        .select_related("advisor")
        .prefetch_related(Prefetch("topics"))
        .order_by("-started_at", "-id")
    )
    shown = list(calls[: TIMELINE_LENGTH + 1])
    return {"calls": shown[:TIMELINE_LENGTH], "more_calls": len(shown) > TIMELINE_LENGTH}


def register() -> None:
    register_case_panel(CasePanel("intake.actions", "actions", 10, "intake/panels/actions.html", lambda r, c: {}))
    register_case_panel(CasePanel("intake.facts", "facts", 10, "intake/panels/facts.html", _facts))
    register_case_panel(CasePanel("intake.timeline", "main", 10, "intake/panels/timeline.html", _timeline))
