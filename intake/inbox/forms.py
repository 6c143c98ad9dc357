"""The shapes of the inbox's input: the parent's contact form, and the advisor's choice of what a
message becomes. Business rules (the rate limit, who may handle a message) are in services.py."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from caseflow.cases.models import Case
from caseflow.lib.phones import PhoneField
from intake.models import SchoolType
from intake.selectors import reference_from

QUESTION_MAX_LENGTH = 3000
# The honeypot: a field people never see (nor their screen readers, nor the Tab key), that
# form-filling robots fill in. Its name is one they like.
HONEYPOT = "website"


class ContactForm(forms.Form):
    """Only what the helpline needs to call back and to know what it is about."""

    name = forms.CharField(label=_("Your name"), max_length=120, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    phone = PhoneField(
        label=_("Your phone number"), help_text=_("We call you back on this number.")
    )
    email = forms.EmailField(
        label=_("Your e-mail address (optional)"), required=False, max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )  # fmt: skip
    child_first_name = forms.CharField(label=_("Your child's first name (optional)"), max_length=60, required=False)
    school_type = forms.ChoiceField(
        label=_("Type of school (optional)"),
        required=False,
        choices=[("", _("I don't know / not given")), *SchoolType.choices],
    )
    question = forms.CharField(
        label=_("What is your question?"),
        max_length=QUESTION_MAX_LENGTH,
        help_text=_("In a few sentences: what is going on, and what have you already done?"),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    website = forms.CharField(label=_("Website (leave this empty)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"
        self.fields[HONEYPOT].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get(HONEYPOT):
            raise ValidationError(
                _("Your message has not been sent: a field that must stay empty (“Website”) was filled in. "
                  "We do this to keep out automatic spam. Leave that field empty and send your message again, "
                  "or call our advice line."),
                code="honeypot",
            )  # fmt: skip
        return cleaned

    def message_fields(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != HONEYPOT}


NEW_CASE, OTHER_CASE = "new", "other"


class MessageToCallForm(forms.Form):
    """What an advisor makes of an inbox message: a call on one of the cases with its phone number
    or e-mail, on another case by its reference, or on a new case; always with a call-back."""

    target = forms.ChoiceField(label=_("Add the message as a call to"), widget=forms.RadioSelect)
    reference = forms.CharField(label=_("Reference of another case"), max_length=30, required=False)
    caller_name = forms.CharField(label=_("Name of the parent (new case)"), max_length=120, required=False)
    child_first_name = forms.CharField(label=_("Child's first name (new case)"), max_length=60, required=False)
    school_type = forms.ChoiceField(
        label=_("School type (new case)"), required=False, choices=[("", "—"), *SchoolType.choices]
    )
    notes = forms.CharField(
        label=_("Notes of the call"), required=False, max_length=QUESTION_MAX_LENGTH + 200,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip

    def __init__(self, *args, message, matches: list[Case], **kwargs):
        kwargs.setdefault("prefix", f"bericht-{message.pk}")
        kwargs.setdefault("initial", _initial(message, matches))
        super().__init__(*args, **kwargs)
        self.message = message
        self.fields["target"].choices = [
            *((case.reference, _case_label(case)) for case in matches),
            (OTHER_CASE, _("Another case, by its reference")),
            (NEW_CASE, _("A new case")),
        ]

    def clean(self) -> dict:
        cleaned = super().clean()
        target = cleaned.get("target")
        if target == NEW_CASE:
            for name in ("caller_name", "child_first_name"):
                if not cleaned.get(name, "").strip():
                    self.add_error(name, _("A new case needs this."))
            cleaned["case"] = None
        elif target == OTHER_CASE:
            cleaned["case"] = self._case_by_reference(cleaned.get("reference", ""), "reference")
        elif target:
            cleaned["case"] = self._case_by_reference(target, "target")
        return cleaned

    def _case_by_reference(self, typed: str, field: str) -> Case | None:
        reference = reference_from(typed)
        case = Case.objects.filter(reference=reference).first() if reference else None
        if case is None:
            self.add_error(field, _("There is no case with this reference. Check it, e.g. OO-2026-0042."))
        return case

    def new_case_fields(self) -> tuple[dict, dict]:
        """The caller and child of a new case: the message's contact details and what the advisor typed."""
        caller = {"name": self.cleaned_data["caller_name"].strip(), "phone": self.message.phone,
                  "email": self.message.email}  # fmt: skip
        child = {"first_name": self.cleaned_data["child_first_name"].strip(),
                 "school_type": self.cleaned_data["school_type"]}  # fmt: skip
        return caller, child


def _initial(message, matches: list[Case]) -> dict:
    return {
        "target": matches[0].reference if matches else NEW_CASE,
        "caller_name": message.name,
        "child_first_name": message.child_first_name,
        "school_type": message.school_type,
        "notes": message.text,
    }


def _case_label(case: Case) -> str:
    child = getattr(case, "child", None)
    return f"{case.reference}: {child.first_name if child else '—'} ({case.get_status_display()})"
