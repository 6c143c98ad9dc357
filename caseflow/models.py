from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from caseflow.history import TrackedQuerySet
from caseflow.phones import phone_display


class User(AbstractUser):
    """A member of the helpline's staff; the role comes from the groups in roles.py.

    A project-owned user model from the start, so that fields the helpline
    needs later (a phone extension, a team) are a migration, not a rewrite.
    """

    # Password hashes and sign-in times are kept out of the history: the first
    # must not linger in copies, the second would drown the real changes.
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.get_full_name() or self.username


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


class CaseTally(models.Model):
    """Changes in the number of cases per owner, status, at home, flagged and review asked.

    Written only by triggers on the case table (migration 0012), whatever writes a case: +1 for
    the group a case enters, -1 for the group it leaves. The dashboard and the queue's counts
    sum the rows per group instead of counting up to 200,000 cases on every visit;
    caseflow.tally.compact() folds the rows into one per group now and then (beat), so there are
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
    caseflow.tally.compact() folds the rows into one per hour, and every hour before the horizon
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
    every open call-back (12,700 at ten years of data); caseflow.tally.compact() folds them.
    """

    assigned_to_id = models.BigIntegerField(null=True)  # None: the team queue
    escalated = models.BooleanField()
    change = models.IntegerField()

    def __str__(self) -> str:
        return f"{self.assigned_to_id}/{'escalated' if self.escalated else '-'}: {self.change:+d}"


class CaseReferenceCounter(models.Model):
    """The last case number handed out per year; one row per year, locked while counting."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


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
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, null=True, related_name="+")
    callback = models.ForeignKey(
        Callback, verbose_name=_("call-back"), on_delete=models.CASCADE, null=True, related_name="notifications"
    )
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
