"""The case and what describes it: topics, statuses, at home, the reference counter."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from caseflow.lib.history import TrackedQuerySet


class Topic(models.Model):
    """What a call is about (thuiszitten, OPP, toelating, ...): directory data that
    team leads keep in the admin site, so a new theme needs no release."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    active = models.BooleanField(_("in use"), default=True, help_text=_("Retired topics stay on old cases."))
    position = models.PositiveSmallIntegerField(_("position"), default=100)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.name


class CaseStatus(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    REFERRED = "referred", _("Referred")
    AWAITING_CALLBACK = "awaiting_callback", _("Waiting for call-back")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = tuple(status for status in CaseStatus if status != CaseStatus.CLOSED)


class CloseReason(models.TextChoices):
    ANSWERED = "answered", _("Question answered")
    REFERRED = "referred", _("Referred, no further role for us")
    NO_CONTACT = "no_contact", _("No contact any more")
    DUPLICATE = "duplicate", _("Duplicate of another case")
    OTHER = "other", _("Other (explain)")


class AtHome(models.TextChoices):
    """Is the child at home without school (thuiszitten)?"""

    NO = "no", _("No")
    AT_RISK = "at_risk", _("At risk")
    YES = "yes", _("Yes")


# A child at home longer than this is a priority (the onderwijsconsulent's threshold).
AT_HOME_ALERT_WEEKS = 4


def weeks_since(day, today=None) -> int | None:
    if day is None:
        return None
    today = today or timezone.localdate()
    return max((today - day).days // 7, 0)


# The condition of the partial indexes; CaseQuerySet.open() must produce the same SQL.
_OPEN = ~Q(status="closed")


class CaseQuerySet(TrackedQuerySet):
    def open(self) -> CaseQuerySet:
        return self.filter(_OPEN)


class Case(models.Model):
    """One child's story with the helpline, over all the calls about it.

    The facts that lists and dashboards filter on (last contact, at home) are
    kept here by the services that log calls, so that caseflow's own pages
    never need to look into the apps that feed it.
    """

    reference = models.CharField(_("reference"), max_length=24, unique=True, editable=False)
    status = models.CharField(_("status"), max_length=20, choices=CaseStatus, default=CaseStatus.NEW)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_cases",
    )
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), blank=True, related_name="cases")
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    close_reason = models.CharField(_("reason for closing"), max_length=20, choices=CloseReason, blank=True)
    close_note = models.CharField(_("closing note"), max_length=300, blank=True)
    last_contact_at = models.DateTimeField(_("last contact"), null=True, blank=True)
    at_home = models.CharField(_("at home without school"), max_length=10, choices=AtHome, default=AtHome.NO)
    at_home_since = models.DateField(_("at home since"), null=True, blank=True)
    # Set when the case needs a team lead's eye (e.g. the parent was never reached).
    flagged_at = models.DateTimeField(_("flagged for the team lead"), null=True, blank=True)
    flag_reason = models.CharField(_("why flagged"), max_length=300, blank=True)
    # Review: an advisor asks a team lead to look at the case; the team lead answers.
    review_requested_at = models.DateTimeField(_("review asked"), null=True, blank=True)
    review_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("review asked by"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
    )  # fmt: skip
    review_question = models.CharField(_("question for the review"), max_length=500, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    review_comment = models.TextField(_("review comment"), blank=True)
    # Privacy: when the personal data was removed and why; a hold keeps it past retention.
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)
    anonymised_why = models.CharField(_("why anonymised"), max_length=20, blank=True)
    retention_hold_reason = models.CharField(_("kept past retention because"), max_length=300, blank=True)
    # Optimistic lock: every save through the services compares and raises it.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    history = HistoricalRecords(m2m_fields=[topics])
    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-last_contact_at", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        permissions = [("lead_team", _("Can use the team lead's pages: dashboard, queue, reviews, figures"))]
        # The lists show open cases, most recent contact first: partial indexes
        # on open cases serve them in index order, whatever the archive's size.
        indexes = [
            # One advisor's open cases (their list, the queue filtered on owner).
            models.Index(fields=["owner", "-last_contact_at", "-id"], name="case_open_owner", condition=_OPEN),
            models.Index(fields=["-last_contact_at", "-id"], name="case_open_contact", condition=_OPEN),
            # The queue of all cases (closed too), most recent contact first.
            models.Index(fields=["-last_contact_at", "-id"], name="case_contact"),
            models.Index(fields=["status", "-last_contact_at"], name="case_status_contact"),
            # Search looks up each matching case's place in its order without
            # reading the table (PostgreSQL; other databases ignore `include`).
            models.Index(fields=["id"], include=["closed_at", "last_contact_at"], name="case_search_order"),
            models.Index(fields=["at_home", "at_home_since"], name="case_at_home", condition=~Q(at_home="no")),
            # The team lead's queue sorts open cases by age.
            models.Index(fields=["opened_at", "id"], name="case_open_opened", condition=_OPEN),
            # The figures over time read the cases opened in a period (all of them, closed too).
            models.Index(fields=["opened_at"], name="case_opened"),
            models.Index(
                fields=["review_requested_at"], name="case_review_asked", condition=Q(review_requested_at__isnull=False)
            ),
            # The review queue's "recently reviewed".
            models.Index(fields=["-reviewed_at"], name="case_reviewed", condition=Q(reviewed_at__isnull=False)),
        ]
        constraints = [
            models.CheckConstraint(
                name="case_closed_has_reason",
                condition=~Q(status="closed") | (Q(closed_at__isnull=False) & ~Q(close_reason="")),
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("case_detail", kwargs={"reference": self.reference})

    @property
    def is_open(self) -> bool:
        return self.status != CaseStatus.CLOSED

    @property
    def weeks_at_home(self) -> int | None:
        return weeks_since(self.at_home_since) if self.at_home == AtHome.YES else None

    @property
    def at_home_alert(self) -> bool:
        weeks = self.weeks_at_home
        return weeks is not None and weeks > AT_HOME_ALERT_WEEKS



class CaseReferenceCounter(models.Model):
    """The last case number handed out per year; one row per year, locked while counting."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"
