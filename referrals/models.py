"""The organisations a parent can be sent to (loketten), the numbers the rules
use, and the referrals made."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from caseflow.cases.models import Case
from caseflow.lib.history import TrackedQuerySet


class Loket(models.Model):
    """An organisation in the directory: loaded from referrals/data/loketten.json,
    kept up to date by team leads in the management site."""

    code = models.SlugField(_("code"), max_length=40, unique=True, help_text=_("The rules refer to this code."))
    name = models.CharField(_("name"), max_length=120)
    what_they_do = models.TextField(_("what they do"))
    when_to_refer = models.TextField(_("when to refer"), blank=True)
    preconditions = models.TextField(_("preconditions"), blank=True)
    exclusions = models.TextField(_("exclusions"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    direct_referral = models.BooleanField(
        _("we can refer directly"), default=True,
        help_text=_("Off for a network one cannot refer to (LANSbrekers): it is mentioned, never referred to."),
    )
    sends_personal_data = models.BooleanField(
        _("a referral sends personal data"), default=False,
        help_text=_("Such a referral waits for the parent's consent before anything is sent."),
    )
    active = models.BooleanField(_("in use"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("loket")
        verbose_name_plural = _("loket directory")

    def __str__(self) -> str:
        return self.name


class RuleParameter(models.Model):
    """A number the recommendation rules use (the four-week threshold, ...): data,
    so that a team lead changes the advice without a release."""

    key = models.SlugField(_("key"), max_length=60, unique=True)
    value = models.PositiveIntegerField(_("value"))
    meaning = models.CharField(_("meaning"), max_length=200)

    history = HistoricalRecords()

    class Meta:
        ordering = ["key"]
        verbose_name = _("rule parameter")
        verbose_name_plural = _("rule parameters")

    def __str__(self) -> str:
        return f"{self.key} = {self.value}"


class ReferralStatus(models.TextChoices):
    ADVISED = "advised", _("Advised")
    WAITING_FOR_CONSENT = "waiting_for_consent", _("Waiting for consent")
    REGISTERED = "registered", _("Registered")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


CLOSED_REFERRAL_STATUSES = (ReferralStatus.DONE, ReferralStatus.DECLINED, ReferralStatus.WITHDRAWN)
# Sent on, or about to be: the helpline waits to hear how it went (the team lead's dashboard).
WAITING_STATUSES = (ReferralStatus.WAITING_FOR_CONSENT, ReferralStatus.REGISTERED, ReferralStatus.IN_PROGRESS)

# The rule id of a referral the advisor made against, or without, the advice.
MANUAL = "manual"


class Referral(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals", verbose_name=_("case"))
    loket = models.ForeignKey(Loket, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("loket"))
    status = models.CharField(_("status"), max_length=20, choices=ReferralStatus, default=ReferralStatus.ADVISED)
    rule_id = models.CharField(_("rule"), max_length=60, help_text=_("The rule behind the advice, or “manual”."))
    rule_version = models.CharField(_("rule version"), max_length=80, blank=True)
    reason = models.TextField(_("reason"), help_text=_("The rule's reason, or the advisor's when it is manual."))
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals_made", verbose_name=_("made by")
    )
    made_at = models.DateTimeField(_("made"), default=timezone.now)
    updated_at = models.DateTimeField(_("last change"), auto_now=True)
    decline_reason = models.CharField(_("why declined"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()
    objects = TrackedQuerySet.as_manager()

    class Meta:
        ordering = ["-made_at", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        # The dashboard's "waiting for an outcome" reads the referrals waiting, not all of them
        # (make bench, 80,000 referrals: 14 ms against 35 for its count).
        indexes = [models.Index(fields=["case"], name="referral_waiting", condition=Q(status__in=WAITING_STATUSES))]
        constraints = [
            models.CheckConstraint(
                name="referral_declined_has_reason", condition=~Q(status="declined") | ~Q(decline_reason="")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} → {self.loket}"

    @property
    def is_manual(self) -> bool:
        return self.rule_id == MANUAL

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_REFERRAL_STATUSES
