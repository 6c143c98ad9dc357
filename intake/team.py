"""What the intake adds to the team lead's figures: calls per week."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext_lazy as _

from caseflow.team import Series, per_week, register_series
from intake.models import Call


def _calls_per_week(start: datetime, end: datetime) -> list[tuple[str, float]]:
    return per_week(Call.objects.all(), "started_at", start, end)


def register() -> None:
    register_series(Series("calls-per-week", _("Calls per week"), _("calls"), 10, _calls_per_week))
