"""What consent adds to the team lead's dashboard: consents that expire soon."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caseflow.team.figures import CaseFigure, register_case_figure
from consent.models import ConsentRecord

# Soon enough to ask the parent again before data can no longer be shared.
EXPIRING_WITHIN = timedelta(days=30)


def _expiring() -> Q:
    now = timezone.now()
    # "in the ids of" rather than "exists": counted beside other figures (caseflow/team/dashboard.py),
    # PostgreSQL reads the expiring consents once into a hash instead of once per open case.
    expiring = ConsentRecord.objects.filter(
        withdrawn_at=None, valid_until__gte=now, valid_until__lt=now + EXPIRING_WITHIN
    )
    return Q(pk__in=expiring.values("case_id"))


def register() -> None:
    register_case_figure(CaseFigure("consents-expiring", _("Consents expiring within 30 days"), 40, _expiring))
