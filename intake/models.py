"""What the advisor learns on the phone: who calls, about which child, and each call."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from caseflow.cases.models import AT_HOME_ALERT_WEEKS, AtHome, Case, Topic, weeks_since
from caseflow.lib.history import TrackedQuerySet
from caseflow.lib.phones import phone_display
from intake.normalise import search_key


def _with_derived(save_kwargs: dict, source: str, derived: str) -> dict:
    """save(update_fields=[source]) also writes the field derived from it."""
    fields = save_kwargs.get("update_fields")
    if fields is not None and source in fields:
        return {**save_kwargs, "update_fields": {*fields, derived}}
    return save_kwargs


class YesNoUnknown(models.TextChoices):
    UNKNOWN = "unknown", _("Unknown")
    YES = "yes", _("Yes")
    NO = "no", _("No")


class Relation(models.TextChoices):
    MOTHER = "mother", _("Mother")
    FATHER = "father", _("Father")
    PARENT = "parent", _("Parent")
    FOSTER_PARENT = "foster_parent", _("Foster parent")
    GUARDIAN = "guardian", _("Guardian")
    GRANDPARENT = "grandparent", _("Grandparent")
    PUPIL = "pupil", _("The pupil")
    PROFESSIONAL = "professional", _("Professional")
    OTHER = "other", _("Other")


class SchoolType(models.TextChoices):
    PO = "po", _("Primary (PO)")
    SBO = "sbo", _("Special primary (SBO)")
    SO = "so", _("Special education (SO)")
    VO = "vo", _("Secondary (VO)")
    VSO = "vso", _("Special secondary (VSO)")
    MBO = "mbo", _("MBO")
    HBO_WO = "hbo_wo", _("HBO/WO")
    NONE = "none", _("No school")


class Channel(models.TextChoices):
    PHONE_IN = "phone_in", _("Phone, incoming")
    PHONE_OUT = "phone_out", _("Phone, outgoing")
    EMAIL = "email", _("E-mail")
    WEB_FORM = "web_form", _("Web form")


class StepTaken(models.TextChoices):
    """Key question 1: who the parent has already talked to."""

    TEACHER = "teacher", _("Teacher")
    CARE_COORDINATOR = "care_coordinator", _("Care coordinator (IB'er / zorgcoördinator)")
    SCHOOL_MANAGEMENT = "school_management", _("School management")
    SCHOOL_BOARD = "school_board", _("School board")
    SWV = "swv", _("Samenwerkingsverband")
    ATTENDANCE_OFFICER = "attendance_officer", _("Attendance officer (leerplicht)")
    ONDERWIJSCONSULENT = "onderwijsconsulent", _("Onderwijsconsulent")
    # After Het Juiste Loket the onderwijszorgconsulent is next; LANSbrekers is asked through a professional.
    HET_JUISTE_LOKET = "het_juiste_loket", _("Het Juiste Loket (already asked)")
    PROFESSIONAL = "professional", _("A professional involved (e.g. youth care)")
    OTHER = "other", _("Other")


class ParentQuestion(models.TextChoices):
    """What the parent asks for. More than one at a time: each may call for its own advice.

    Two kinds of complaint are their own choice, because each has its own organisation
    (the College voor de Rechten van de Mens, the Kinderombudsman)."""

    INFORMATION = "information", _("Information")
    RIGHTS_DUTIES = "rights_duties", _("Rights and duties of parent or school")
    MEDIATION = "mediation", _("Mediation between parent and school")
    COMPLAINT = "complaint", _("A complaint or a signal about school or SWV")
    UNEQUAL_TREATMENT = "unequal_treatment", _(
        "Complaint: unequal treatment because of a disability or chronic illness"
    )
    RIGHT_TO_EDUCATION = "right_to_education", _(
        "Complaint: government or school does not respect the right to education"
    )
    CARE_FUNDING = "care_funding", _("Funding of care and education")


class Caller(models.Model):
    """A person who calls about the case's child: a parent, a carer, the pupil."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="callers", verbose_name=_("case"))
    name = models.CharField(_("name"), max_length=120)
    phone = models.CharField(_("phone"), max_length=16, blank=True, db_index=True)
    phone_alt = models.CharField(_("other phone"), max_length=16, blank=True, db_index=True)
    email = models.EmailField(_("e-mail"), blank=True)
    relation = models.CharField(_("relation to the child"), max_length=20, choices=Relation, default=Relation.MOTHER)
    parental_authority = models.CharField(
        _("parental authority (gezag)"), max_length=10, choices=YesNoUnknown, default=YesNoUnknown.UNKNOWN
    )
    voicemail_allowed = models.BooleanField(_("we may leave a voicemail or message"), default=False)
    created_at = models.DateTimeField(_("added"), default=timezone.now)
    # Derived from name on save; indexed for search by fragment (see migrations).
    search_name = models.TextField(_("name for searching"), editable=False, default="")

    history = HistoricalRecords(excluded_fields=["search_name"])
    objects = TrackedQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("caller")
        verbose_name_plural = _("callers")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.search_name = search_key(self.name)
        super().save(*args, **_with_derived(kwargs, "name", "search_name"))

    @property
    def phone_shown(self) -> str:
        return phone_display(self.phone)

    @property
    def phone_alt_shown(self) -> str:
        return phone_display(self.phone_alt)


class Child(models.Model):
    """The child the case is about; one per case."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="child", verbose_name=_("case"))
    first_name = models.CharField(_("first name or initials"), max_length=60)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    school_type = models.CharField(_("school type"), max_length=10, choices=SchoolType, blank=True)
    school_name = models.CharField(_("school"), max_length=120, blank=True)
    swv = models.CharField(_("samenwerkingsverband"), max_length=120, blank=True)
    municipality = models.CharField(_("municipality"), max_length=80, blank=True)
    support_need = models.CharField(
        _("needs extra support"), max_length=10, choices=YesNoUnknown, default=YesNoUnknown.UNKNOWN
    )
    support_kind = models.CharField(_("kind of support"), max_length=200, blank=True)
    has_opp = models.CharField(
        _("development perspective (OPP)"), max_length=10, choices=YesNoUnknown, default=YesNoUnknown.UNKNOWN
    )
    has_tlv = models.CharField(
        _("admission statement (TLV)"), max_length=10, choices=YesNoUnknown, default=YesNoUnknown.UNKNOWN
    )
    search_name = models.TextField(_("name for searching"), editable=False, default="")

    history = HistoricalRecords(excluded_fields=["search_name"])
    objects = TrackedQuerySet.as_manager()

    class Meta:
        verbose_name = _("child")
        verbose_name_plural = _("children")

    def __str__(self) -> str:
        return self.first_name

    def save(self, *args, **kwargs) -> None:
        self.search_name = search_key(self.first_name)
        if self.birth_date:
            self.birth_year = self.birth_date.year
        kwargs = _with_derived(kwargs, "birth_date", "birth_year")
        super().save(*args, **_with_derived(kwargs, "first_name", "search_name"))

    @property
    def age(self) -> int | None:
        today = timezone.localdate()
        if self.birth_date:
            had_birthday = (today.month, today.day) >= (self.birth_date.month, self.birth_date.day)
            return today.year - self.birth_date.year - (0 if had_birthday else 1)
        return today.year - self.birth_year if self.birth_year else None


class Call(models.Model):
    """One contact moment with its four key questions, as the advisor logged it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="calls", verbose_name=_("case"))
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="calls", verbose_name=_("advisor")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel, default=Channel.PHONE_IN)
    started_at = models.DateTimeField(_("start"), default=timezone.now)
    # A call longer than a working day is a typing error.
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), null=True, blank=True, validators=[MaxValueValidator(600)]
    )
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), blank=True, related_name="calls")
    notes = models.TextField(_("notes"), blank=True)
    advice = models.TextField(_("advice given"), blank=True)
    next_step = models.CharField(_("agreed next step"), max_length=300, blank=True)
    # What the parent asks for (codes of ParentQuestion), and the four key questions (DOMAIN.md),
    # structured so that rules can read them.
    questions = models.JSONField(_("what the parent asks for"), default=list, blank=True)
    steps_taken = models.JSONField(_("steps already taken"), default=list, blank=True)
    conflict = models.CharField(
        _("conflict between parents, school or SWV"), max_length=10, choices=YesNoUnknown, default=YesNoUnknown.UNKNOWN
    )
    disagrees_with_advice = models.BooleanField(_("disagrees with an advice and is stuck"), default=False)
    at_home = models.CharField(_("at home without school"), max_length=10, choices=AtHome, default=AtHome.NO)
    at_home_since = models.DateField(_("at home since"), null=True, blank=True)
    care_involved = models.BooleanField(_("care (zorg) is involved"), default=False)
    legal_procedure = models.BooleanField(_("a legal procedure is running"), default=False)
    truancy = models.BooleanField(_("the absence is truancy"), default=False)
    # One per submitted form: a double click or a resent form logs the call once.
    form_token = models.UUIDField(_("form token"), null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(_("logged at"), auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[topics], excluded_fields=["form_token"])
    objects = TrackedQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        indexes = [
            models.Index(fields=["case", "-started_at"], name="call_case_started"),
            # Calls per week on the team lead's figures page.
            models.Index(fields=["started_at"], name="call_started"),
        ]

    def __str__(self) -> str:
        return f"{self.case} {timezone.localtime(self.started_at):%Y-%m-%d %H:%M}"

    @property
    def weeks_at_home(self) -> int | None:
        if self.at_home != AtHome.YES:
            return None
        return weeks_since(self.at_home_since, timezone.localtime(self.started_at).date())

    @property
    def at_home_alert(self) -> bool:
        weeks = self.weeks_at_home
        return weeks is not None and weeks > AT_HOME_ALERT_WEEKS

    @property
    def other_facts(self) -> list[str]:
        """Care, a legal procedure, truancy: the facts that change the advice, as words."""
        facts = [(self.care_involved, _("care involved")), (self.legal_procedure, _("legal procedure")),
                 (self.truancy, _("truancy"))]
        return [str(label) for present, label in facts if present]

    @property
    def steps_taken_labels(self) -> list[str]:
        return [StepTaken(code).label for code in self.steps_taken if code in StepTaken.values]

    @property
    def questions_labels(self) -> list[str]:
        return [ParentQuestion(code).label for code in self.questions if code in ParentQuestion.values]


class CallDraft(models.Model):
    """A half-written call form, saved as the advisor types.

    One per opened form (its form token), on the page of its slot ("new" for
    the call screen, "case-<id>" for a call on an existing case). One per form,
    not one per page: a new call is another family's, and its autosave must
    never overwrite the unsaved call the advisor has not yet restored or
    discarded. Deleted when its call is saved; a late autosave of a form that
    was already saved is ignored (see services.draft_save).
    """

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="call_drafts")
    slot = models.CharField(max_length=40)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    form_token = models.UUIDField()
    data = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["author", "form_token"], name="one_draft_per_form")]

    def __str__(self) -> str:
        return f"{self.author_id}:{self.slot}"

    # The fields that tell the advisor whose call a draft is, first typed first (the call
    # screen's caller, then its child; a case's call form has only the notes).
    _ABOUT_FIELDS = ("beller-name", "kind-first_name", "gesprek-notes")
    _ABOUT_LENGTH = 60

    @property
    def about(self) -> str:
        """Whom or what the unsaved call is about, as typed, for the offer to restore it."""
        for name in self._ABOUT_FIELDS:
            typed = " ".join(((self.data.get(name) or [""])[-1]).split())
            if typed:
                return typed if len(typed) <= self._ABOUT_LENGTH else typed[: self._ABOUT_LENGTH - 1] + "…"
        return ""


# --- The inbox: what parents leave outside the office hours (intake/inbox/) -----------------


class InboxMessage(models.Model):
    """A message a parent left without an advisor on the line: the public contact form or a voicemail.

    Advisors work through the inbox oldest first; picking a message up turns it into a call on
    an existing case or a new one (`case`, `call`), with a call-back. One not picked up by
    `escalate_at` (the next opening of the line after it came in, plus an hour) is escalated
    to the team leads once (`escalated_at`).
    """

    class Channel(models.TextChoices):
        FORM = "form", _("Contact form")
        VOICEMAIL = "voicemail", _("Voicemail")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        PICKED_UP = "picked_up", _("Picked up")
        HANDLED = "handled", _("Handled")

    channel = models.CharField(_("channel"), max_length=10, choices=Channel)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    # Who left it and about which child, as far as they said.
    name = models.CharField(_("name"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=16, blank=True)  # E.164, for matching and calling back
    email = models.EmailField(_("e-mail"), blank=True)  # lower case, for matching
    child_first_name = models.CharField(_("child's first name"), max_length=60, blank=True)
    school_type = models.CharField(_("school type"), max_length=10, choices=SchoolType, blank=True)
    question = models.TextField(_("question"), blank=True)
    # A voicemail, as the telephony provider reported it.
    provider = models.SlugField(_("telephony provider"), max_length=40, blank=True)
    caller_number = models.CharField(_("caller's number as reported"), max_length=40, blank=True)
    duration_seconds = models.PositiveIntegerField(_("duration (seconds)"), null=True, blank=True)
    recording_ref = models.CharField(_("recording reference"), max_length=200, blank=True)
    transcript = models.TextField(_("transcript"), blank=True)
    # The advisors' work on it.
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.NEW)
    picked_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("picked up by"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    picked_up_at = models.DateTimeField(_("picked up"), null=True, blank=True)
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, null=True, blank=True, related_name="inbox_messages"
    )
    call = models.OneToOneField(
        Call, verbose_name=_("call"), on_delete=models.SET_NULL, null=True, blank=True, related_name="inbox_message"
    )
    escalate_at = models.DateTimeField(_("escalated if not picked up by"))
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)

    history = HistoricalRecords()
    objects = TrackedQuerySet.as_manager()

    class Meta:
        ordering = ["received_at", "id"]
        verbose_name = _("inbox message")
        verbose_name_plural = _("inbox messages")
        indexes = [
            # The inbox: what is still waiting, oldest first.
            models.Index(fields=["received_at", "id"], name="inbox_waiting", condition=~models.Q(status="handled")),
            # The escalation beat: messages not picked up whose time has come.
            models.Index(
                fields=["escalate_at"], name="inbox_escalate_due", condition=models.Q(status="new", escalated_at=None)
            ),
            # Retention of the messages that never became a case.
            models.Index(fields=["received_at"], name="inbox_without_case", condition=models.Q(case=None)),
        ]
        constraints = [
            # A provider that sends the same voicemail again (a retried webhook) leaves one message.
            models.UniqueConstraint(
                fields=["provider", "recording_ref"], name="inbox_voicemail_once", condition=~models.Q(recording_ref="")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {timezone.localtime(self.received_at):%Y-%m-%d %H:%M}"

    @property
    def phone_shown(self) -> str:
        return phone_display(self.phone)

    @property
    def text(self) -> str:
        """What the parent said: the form's question or the voicemail's transcript."""
        return self.question or self.transcript


class ContactFormSends(models.Model):
    """How many contact forms one client address sent in one hour: the public form's rate limit.

    In the database, which every web process and machine shares, so the limit holds however
    many gunicorn workers answer. The address is kept only as a keyed hash; the nightly
    retention run deletes the rows of past hours.
    """

    address_hash = models.CharField(max_length=64)
    hour = models.DateTimeField()
    sends = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["address_hash", "hour"], name="contact_sends_per_hour")]

    def __str__(self) -> str:
        return f"{self.hour:%Y-%m-%d %H:00} {self.sends}"
