"""What the intake adds to the team lead's figures: calls per week, and the messages waiting in the inbox."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext_lazy as _

from caseflow.team.figures import Series, WorkFigure, per_week, register_series, register_work_figure
from intake.inbox.selectors import inbox_waiting_count
from intake.models import Call


def _calls_per_week(start: datetime, end: datetime) -> list[tuple[str, float]]:
    return per_week(Call.objects.all(), "started_at", start, end)


def register() -> None:
    register_series(Series("calls-per-week", _("Calls per week"), _("calls"), 10, _calls_per_week))
    register_work_figure(
        WorkFigure("inbox", _("Messages waiting in the inbox"), 10, inbox_waiting_count, "inbox:inbox")
    )
