"""Anonymising: when the retention period is over, on erasure request, and holds that keep a case."""

from __future__ import annotations

from datetime import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caseflow.accounts.models import User
from caseflow.audit.models import RetentionRun
from caseflow.audit.personal_data import case_rows_blank, retention_sweeps_run
from caseflow.cases.locking import case_lock
from caseflow.cases.models import Case

# --- Anonymising ---------------------------------------------------------------------------


ANONYMISED_BY_RETENTION = "retention"
ANONYMISED_BY_ERASURE = "erasure"


@transaction.atomic
def case_anonymise(*, case: Case, by: User | None, why: str) -> bool:
    """Blank the case's personal data everywhere it is stored; False if it already was.

    `by` is None for the nightly task, which then acts as the system; the last
    history row of the case says who and why.
    """
    case = case_lock(case_id=case.pk)
    if case.anonymised_at is not None:
        return False
    case_rows_blank(case)
    case.refresh_from_db()
    case.anonymised_at, case.anonymised_why = timezone.now(), why
    case._history_user = by
    # Only the kind: an erasure's request is kept on its RetentionRun, not copied into the history.
    case._change_reason = f"anonymised: {why}"
    case.save()
    return True


def retention_cutoff(now: datetime | None = None) -> datetime:
    """Cases closed before this moment have outlived their purpose."""
    return (now or timezone.now()) - relativedelta(months=settings.RETENTION_CLOSED_MONTHS)


def cases_due_for_anonymising(*, before: datetime) -> models.QuerySet:
    return Case.objects.filter(
        status="closed", closed_at__lt=before, anonymised_at=None, retention_hold_reason=""
    ).order_by("closed_at", "id")


def cases_held() -> models.QuerySet:
    return Case.objects.exclude(retention_hold_reason="")


def retention_run(*, now: datetime | None = None) -> RetentionRun:
    """The nightly task: anonymise every expired case, each in its own transaction, then sweep
    what belongs to no case; logged."""
    run = RetentionRun.objects.create(kind=RetentionRun.Kind.SCHEDULED)
    for case in cases_due_for_anonymising(before=retention_cutoff(now)).only("pk").iterator():
        if case_anonymise(case=case, by=None, why=ANONYMISED_BY_RETENTION):
            run.cases += 1
    run.swept = retention_sweeps_run(now or timezone.now())
    run.finished_at = timezone.now()
    run.save()
    return run


@transaction.atomic
def case_erase(*, case: Case, by: User, reason: str) -> RetentionRun:
    """Erasure on request (GDPR art. 17): anonymise now, and keep the fact that it happened."""
    if not reason.strip():
        raise ValidationError(_("Write down why the case is erased (the request)."), code="reason_required")
    if not case_anonymise(case=case, by=by, why=ANONYMISED_BY_ERASURE):
        raise ValidationError(_("This case has already been anonymised."), code="already_anonymised")
    return RetentionRun.objects.create(
        kind=RetentionRun.Kind.ERASURE, by=by, case=case, reason=reason.strip(), cases=1, finished_at=timezone.now()
    )


@transaction.atomic
def case_hold(*, case: Case, by: User, reason: str) -> Case:
    """Keep a case past its retention period (a complaint, a court case); the reason is in its history."""
    if not reason.strip():
        raise ValidationError(_("Write down why the case must be kept."), code="reason_required")
    case = case_lock(case_id=case.pk)
    case.retention_hold_reason = reason.strip()
    case._history_user = by
    case.save()
    return case


@transaction.atomic
def case_release(*, case: Case, by: User) -> Case:
    case = case_lock(case_id=case.pk)
    case.retention_hold_reason = ""
    case._history_user = by
    case.save()
    return case
