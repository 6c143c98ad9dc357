"""What referrals add to the team lead's pages: referrals waiting for an outcome, and referrals per loket."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from caseflow.team.figures import CaseFigure, Series, register_case_figure, register_series
from referrals.models import WAITING_STATUSES, Referral


def _waiting() -> Q:
    # "in the ids of" rather than "exists": counted beside other figures (caseflow/team/dashboard.py),
    # PostgreSQL reads the waiting referrals once into a hash instead of once per open case.
    return Q(pk__in=Referral.objects.filter(status__in=WAITING_STATUSES).values("case_id"))


def _per_loket(start: datetime, end: datetime) -> list[tuple[str, float]]:
    rows = (
        Referral.objects.filter(made_at__gte=start, made_at__lt=end)
        .order_by()
        .values_list("loket__name")
        .annotate(n=Count("id"))
        .order_by("-n", "loket__name")
    )
    return list(rows)


def register() -> None:
    register_case_figure(CaseFigure("referrals-waiting", _("Referrals waiting for an outcome"), 30, _waiting))
    register_series(Series("referrals-per-loket", _("Referrals per loket"), _("referrals"), 30, _per_loket))
