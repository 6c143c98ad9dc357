"""What other apps show on the case page, without caseflow importing them.

An app registers a panel in its AppConfig.ready(): a template and a function
that gives that template its context for one case. The case page draws the
panels of each region in order. Each panel's context function must run a
fixed number of queries, whatever the case holds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from django.http import HttpRequest
from django.template.loader import render_to_string

from caseflow.cases.models import Case

# "call_form" panels sit beside a call form; their case is None on the new-case screen.
Region = Literal["actions", "facts", "main", "call_form"]


@dataclass(frozen=True)
class CasePanel:
    key: str
    region: Region
    order: int
    template: str
    context: Callable[[HttpRequest, Case | None], dict]


_PANELS: dict[str, CasePanel] = {}


def register_case_panel(panel: CasePanel) -> None:
    # Keyed, so that a second ready() (as in some test runners) replaces, not doubles.
    _PANELS[panel.key] = panel


def case_panels(request: HttpRequest, case: Case | None, region: Region) -> list[str]:
    """The HTML of the region's panels, in order."""
    panels = sorted((p for p in _PANELS.values() if p.region == region), key=lambda p: p.order)
    return [
        render_to_string(panel.template, {"case": case, **panel.context(request, case)}, request)
        for panel in panels
    ]
