"""The access log and the log of retention runs and erasures."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caseflow.cases.models import Case


class AccessAction(models.TextChoices):
    VIEW = "view", _("viewed")
    PRINT = "print", _("printed")
    EXPORT = "export", _("exported")
    SEARCH = "search", _("searched")


class AccessLog(models.Model):
    """Who looked at or took out what, and when: append-only, never changed or deleted."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT)
    at = models.DateTimeField(_("when"), default=timezone.now)
    action = models.CharField(_("action"), max_length=10, choices=AccessAction)
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.SET_NULL, null=True, blank=True)
    what = models.CharField(_("what"), max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.action} {self.what}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("The access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("The access log is append-only.")


class RetentionRun(models.Model):
    """One run of the retention task, or one erasure on request: the log of what was removed."""

    class Kind(models.TextChoices):
        SCHEDULED = "scheduled", _("Retention period")
        ERASURE = "erasure", _("Erasure on request")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    cases = models.PositiveIntegerField(_("cases anonymised"), default=0)
    swept = models.PositiveIntegerField(_("other records removed"), default=0)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, null=True)
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, null=True, related_name="+")
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_at:%Y-%m-%d %H:%M}: {self.cases}"
