"""The tallies behind the dashboard and the queue (team/tally.py says why and how)."""

from __future__ import annotations

from django.db import models


class CaseTally(models.Model):
    """Changes in the number of cases per owner, status, at home, flagged and review asked.

    Written only by triggers on the case table (migration 0012), whatever writes a case: +1 for
    the group a case enters, -1 for the group it leaves. The dashboard and the queue's counts
    sum the rows per group instead of counting up to 200,000 cases on every visit;
    caseflow.team.tally.compact() folds the rows into one per group now and then (beat), so there are
    always few. Inserts only, so two advisors changing cases at once never wait for each other here.
    """

    # Plain columns, no foreign keys: a tally row outlives nothing and must never block a write.
    owner_id = models.BigIntegerField(null=True)  # None: the team queue
    status = models.CharField(max_length=20)
    at_home = models.CharField(max_length=10)
    flagged = models.BooleanField()
    review_asked = models.BooleanField()
    change = models.IntegerField()

    def __str__(self) -> str:
        return f"{self.owner_id}/{self.status}/{self.at_home}: {self.change:+d}"


class CaseHourTally(models.Model):
    """Changes in the number of open cases per hour they were opened in, and per hour of their
    last contact (of their opening, before a first contact).

    Written only by triggers on the case table (migration 0013), as CaseTally is. What depends
    on the clock on the dashboard (age buckets, no contact for TEAM_STALE_DAYS) sums the rows
    since the start of a day instead of reading the thousands of cases opened or called since.
    caseflow.team.tally.compact() folds the rows into one per hour, and every hour before the horizon
    (no count starts that far back) into one row without an hour.
    """

    class Kind(models.TextChoices):
        OPENED = "opened"
        CONTACT = "contact"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    hour = models.DateTimeField(null=True)  # None: before the horizon, folded together
    change = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["hour"], include=["kind", "change"], name="case_hour_tally_since")]

    def __str__(self) -> str:
        return f"{self.kind} {self.hour}: {self.change:+d}"


class CallbackTally(models.Model):
    """Changes in the number of open call-backs (planned or reminded) per assignee and escalated.

    Written only by triggers on the call-back table (migration 0014), as CaseTally is by those on
    the case table: +1 when a call-back is planned, is given to someone or escalated, -1 when it
    is finished, cancelled, taken from someone or escalated. A reminder (planned -> reminded)
    writes nothing. The dashboard's call-backs per advisor sum these few rows instead of reading
    every open call-back (12,700 at ten years of data); caseflow.team.tally.compact() folds them.
    """

    assigned_to_id = models.BigIntegerField(null=True)  # None: the team queue
    escalated = models.BooleanField()
    change = models.IntegerField()

    def __str__(self) -> str:
        return f"{self.assigned_to_id}/{'escalated' if self.escalated else '-'}: {self.change:+d}"
