"""Consent per purpose and recipient, and the log of what left the helpline.

Both kinds of record are append-only: a consent is never edited (a change is a
withdrawal plus a new record), a disclosure is never changed at all. The rows
keep what was true when they were written (who gave it, whether that person
had parental authority, the exact text read out), so that a consent stays
demonstrable whatever happens to the case later. The gate does not trust the
authority recorded then: it asks the case who has parental authority now
(consent.services), so a correction of the caller stops what was allowed.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from caseflow.cases.models import Case
from caseflow.lib.history import TrackedQuerySet


class DataCategory(models.TextChoices):
    CONTACT = "contact", _("Contact details")
    SCHOOL = "school", _("School details")
    SUPPORT = "support", _("Support need")
    HEALTH = "health", _("Health and care data")
    # Everything an advisor wrote in their own words (the case summary, the call notes):
    # free text can say anything about the child, so it leaves only when the parent agreed to it.
    NOTES = "notes", _("Case summary and call notes")


def category_labels(codes) -> list[str]:
    """The labels of data category codes in the order of DataCategory; a code this version does
    not know comes last, as itself (never left out: it may be what was shared)."""
    codes = set(codes)
    known = [str(category.label) for category in DataCategory if category.value in codes]
    return known + sorted(codes - set(DataCategory.values))


class ConsentMethod(models.TextChoices):
    PHONE = "phone", _("By phone")
    WRITING = "writing", _("In writing")
    WEB_FORM = "web_form", _("Web form")


class Authority(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Unknown")


class Purpose(models.Model):
    """What data is shared for; the text is what the advisor reads out or sends.

    Changing the text raises the version, so every consent names the exact
    wording the parent agreed to (the history keeps the old texts).
    """

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=150)
    text = models.TextField(_("text read to the parent"))
    version = models.PositiveIntegerField(_("text version"), default=1, editable=False)
    # A purpose names who receives the data ("the helpline contacts the school for you"): a
    # consent for it to anyone else would be one the parent never gave.
    recipient_codes = models.JSONField(
        _("recipients"), default=list, blank=True,
        help_text=_("The codes of the recipients this purpose is for; empty: any recipient."),
    )
    # The text read out promises which data goes (the parent panel: contact details only); a
    # consent for more would cover data the parent was never told about.
    category_codes = models.JSONField(
        _("data categories"), default=list, blank=True,
        help_text=_("The kinds of data this purpose may cover; empty: any."),
    )
    # Data about the child needs someone with parental authority. A purpose about the caller's own
    # data (their name and number for the parent panel) is their own choice, and needs none.
    needs_parental_authority = models.BooleanField(
        _("needs parental authority"), default=True,
        help_text=_("Off only for purposes about the caller's own data, never the child's."),
    )
    active = models.BooleanField(_("in use"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("purpose")
        verbose_name_plural = _("purposes")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if self.pk:
            previous = Purpose.objects.filter(pk=self.pk).values_list("text", flat=True).first()
            if previous is not None and previous != self.text:
                self.version += 1
        super().save(*args, **kwargs)

    def is_for(self, recipient_code: str) -> bool:
        return not self.recipient_codes or recipient_code in self.recipient_codes

    def categories_beyond(self, categories) -> set[str]:
        """Those of the categories this purpose may not cover (none when it names no categories)."""
        return set(categories) - set(self.category_codes) if self.category_codes else set()


class AppendOnly(models.Model):
    """Refuses deletes, and updates other than the ones a subclass allows."""

    class Meta:
        abstract = True

    # Fields that may still be filled in once after the row is written.
    fillable_once: tuple[str, ...] = ()

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            self._check_only_fillable_changed()
        super().save(*args, **kwargs)

    def _check_only_fillable_changed(self) -> None:
        stored = type(self).objects.filter(pk=self.pk).values().first()
        for field in self._meta.concrete_fields:
            was, now = stored[field.attname], getattr(self, field.attname)
            if was == now:
                continue
            if field.name not in self.fillable_once or was not in (None, ""):
                raise ValidationError(f"{type(self).__name__} {self.pk} is append-only: {field.name} cannot change.")

    def delete(self, *args, **kwargs):
        raise ValidationError(f"{type(self).__name__} is append-only and is never deleted.")


class ConsentRecord(AppendOnly):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="consents", verbose_name=_("case"))
    purpose = models.ForeignKey(Purpose, on_delete=models.PROTECT, related_name="consents", verbose_name=_("purpose"))
    purpose_text = models.TextField(_("text shown"))
    purpose_version = models.PositiveIntegerField(_("text version shown"))
    recipient_code = models.SlugField(_("recipient"), max_length=60)
    recipient_name = models.CharField(_("recipient name"), max_length=150)
    categories = models.JSONField(_("data categories"))
    child_name = models.CharField(_("child"), max_length=60)
    giver_id = models.BigIntegerField(_("giver (caller id)"), null=True, blank=True)
    giver_name = models.CharField(_("given by"), max_length=120)
    giver_authority = models.CharField(_("giver has parental authority"), max_length=10, choices=Authority)
    method = models.CharField(_("how it was given"), max_length=10, choices=ConsentMethod)
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    valid_until = models.DateTimeField(_("valid until"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    school_proposed = models.BooleanField(
        _("the school proposed this; the parents agreed"), default=False,
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("withdrawal recorded by"),
    )
    withdrawal_reason = models.CharField(_("why withdrawn"), max_length=300, blank=True)

    fillable_once = ("withdrawn_at", "withdrawn_by", "withdrawal_reason")
    history = HistoricalRecords()
    objects = TrackedQuerySet.as_manager()

    class Meta:
        ordering = ["-given_at", "-id"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        indexes = [
            models.Index(fields=["case", "purpose", "recipient_code"], name="consent_lookup"),
            # The dashboard's consents expiring soon: a few hundred of 30,000 (make bench: 10 ms
            # against 19 for its count).
            models.Index(
                fields=["valid_until"], include=["case"], name="consent_expiry", condition=Q(withdrawn_at=None)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.purpose.code} → {self.recipient_code}"


class Disclosure(AppendOnly):
    """One attempt to let data leave for a recipient: allowed (with what was sent) or refused."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="disclosures", verbose_name=_("case"))
    purpose = models.ForeignKey(Purpose, on_delete=models.PROTECT, related_name="+", verbose_name=_("purpose"))
    recipient_code = models.SlugField(_("recipient"), max_length=60)
    categories = models.JSONField(_("data categories"))
    allowed = models.BooleanField(_("allowed"))
    # Why the gate said no: its code, and a text built from facts that name no one (dates,
    # category labels, the purpose), because this log outlives the case's personal data.
    refusal_code = models.SlugField(_("refusal code"), max_length=40, blank=True)
    refusal = models.CharField(_("why refused"), max_length=300, blank=True)
    consent_ids = models.JSONField(_("under consents"), default=list)
    content_sha256 = models.CharField(_("content hash (SHA-256)"), max_length=64, blank=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("made by")
    )
    made_at = models.DateTimeField(_("at"), default=timezone.now)

    history = HistoricalRecords()
    objects = TrackedQuerySet.as_manager()

    class Meta:
        ordering = ["-made_at", "-id"]
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")

    def __str__(self) -> str:
        return f"{self.case} → {self.recipient_code} ({'allowed' if self.allowed else 'refused'})"


class RecipientNotice(models.Model):
    """A task for the advisor: tell a recipient that data it received may no longer be used."""

    consent = models.ForeignKey(ConsentRecord, on_delete=models.PROTECT, related_name="notices",
                                verbose_name=_("consent"))  # fmt: skip
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="recipient_notices", verbose_name=_("case"))
    recipient_name = models.CharField(_("recipient"), max_length=150)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name=_("done by"))

    history = HistoricalRecords()
    objects = TrackedQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("task: inform the recipient")
        verbose_name_plural = _("tasks: inform the recipient")

    def __str__(self) -> str:
        return f"{self.case}: {self.recipient_name}"
