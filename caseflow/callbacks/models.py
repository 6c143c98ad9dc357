"""A promise to call a parent back, one row per attempt."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from caseflow.cases.models import Case
from caseflow.lib.history import TrackedQuerySet
from caseflow.lib.phones import phone_display


class CallbackStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    REMINDED = "reminded", _("Reminded")
    DONE = "done", _("Done")
    NOT_REACHED = "not_reached", _("Not reached")
    CANCELLED = "cancelled", _("Cancelled")


# Still to be made: the states the reminder and the overdue check look at.
CALLBACK_OPEN_STATUSES = (CallbackStatus.PLANNED, CallbackStatus.REMINDED)
_CALLBACK_OPEN = Q(status__in=CALLBACK_OPEN_STATUSES)


class CallbackQuerySet(TrackedQuerySet):
    def open(self) -> CallbackQuerySet:
        return self.filter(_CALLBACK_OPEN)


class Callback(models.Model):
    """A promise to call a parent back, at a time inside the office hours.

    One row per attempt: when the parent is not reached, the next attempt is a
    new row pointing at the one before, so each attempt keeps its own outcome.
    """

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="callbacks")
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("advisor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="callbacks",
        help_text=_("Empty: the team queue."),
    )
    due_at = models.DateTimeField(_("due"))
    window_ends_at = models.DateTimeField(_("window ends"))
    subject = models.CharField(_("what to discuss"), max_length=300)
    phone = models.CharField(_("number to call"), max_length=20, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=CallbackStatus, default=CallbackStatus.PLANNED)
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1)
    previous = models.OneToOneField(
        "self", verbose_name=_("previous attempt"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="next_attempt",
    )  # fmt: skip
    outcome_note = models.TextField(_("outcome"), blank=True)
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("planned by"), on_delete=models.PROTECT, related_name="+"
    )
    planned_at = models.DateTimeField(_("planned at"), default=timezone.now)
    # Part of its notifications' keys: moved away and back to the same time, it is reminded again.
    moves = models.PositiveIntegerField(_("times moved"), default=0)
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("finished by"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip

    history = HistoricalRecords()
    objects = CallbackQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("call-back")
        verbose_name_plural = _("call-backs")
        indexes = [
            # The reminder and the overdue check read open call-backs by due time; the dashboard
            # counts those due before tomorrow per assignee from this index alone.
            models.Index(
                fields=["due_at"],
                include=["assigned_to", "window_ends_at"],
                name="callback_open_due",
                condition=_CALLBACK_OPEN,
            ),
            # An advisor's own open call-backs (today's list, the free slots).
            models.Index(fields=["assigned_to", "due_at"], name="callback_open_assignee", condition=_CALLBACK_OPEN),
        ]
        constraints = [
            models.CheckConstraint(name="callback_window_after_due", condition=Q(window_ends_at__gt=F("due_at"))),
        ]

    def __str__(self) -> str:
        return f"{self.case} {timezone.localtime(self.due_at):%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.status in CALLBACK_OPEN_STATUSES

    @property
    def phone_shown(self) -> str:
        return phone_display(self.phone)

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.window_ends_at < timezone.now()
