"""The messages of a user's in-app inbox."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The case and the call-back a notification is about are named, not imported: the concerns
# that announce things (cases, call-backs) build on this one.



class NotificationKind(models.TextChoices):
    REMINDER = "reminder", _("Call-back reminder")
    OVERDUE = "overdue", _("Call-back overdue")
    ATTEMPTS_EXHAUSTED = "attempts_exhausted", _("Parent not reached")
    ASSIGNED = "assigned", _("Case assigned to you")
    REVIEW_REQUESTED = "review_requested", _("Review asked")
    REVIEWED = "reviewed", _("Case reviewed")
    # A parent's message (contact form, voicemail) that nobody picked up in time (intake/inbox/).
    INBOX_WAITING = "inbox_waiting", _("Message in the inbox waiting")


class Notification(models.Model):
    """A message in a user's in-app inbox (the badge in the menu).

    `key` names the event it announces; unique per recipient, so a task that
    runs twice for the same event (a redelivered message, a second beat)
    creates nothing the second time.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    key = models.CharField(max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind)
    case = models.ForeignKey(
        "caseflow.Case", verbose_name=_("case"), on_delete=models.CASCADE, null=True, related_name="+"
    )
    callback = models.ForeignKey(
        "caseflow.Callback", verbose_name=_("call-back"), on_delete=models.CASCADE, null=True,
        related_name="notifications",
    )  # fmt: skip
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_event")]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_unread", condition=Q(read_at=None))
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.recipient})"
