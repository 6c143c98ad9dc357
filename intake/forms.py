"""The shapes of what the advisor types. Business rules are in services.py;
these forms check that each value makes sense and say so in Dutch."""

from __future__ import annotations

import datetime as dt

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caseflow.cases.forms import ModelIdsField
from caseflow.cases.models import AtHome, Topic
from caseflow.lib.phones import PhoneField
from intake.models import Call, Caller, Child, ParentQuestion, StepTaken
from intake.selectors import CASE_FACTS

# The helpline advises on school-age children and young people in MBO/HBO.
OLDEST_AGE = 27
# A call logged "now" on a computer whose clock runs a little ahead is not in the future.
CLOCK_SKEW = dt.timedelta(minutes=5)


class _FieldsOnly(forms.ModelForm):
    """Rendered inside one <form> with other forms: crispy draws the fields only."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


def _not_in_future(day: dt.date | None, message) -> None:
    if day and day > timezone.localdate():
        raise ValidationError(message, code="future")


class CallerForm(_FieldsOnly):
    class Meta:
        model = Caller
        fields = ["name", "phone", "phone_alt", "email", "relation", "parental_authority", "voicemail_allowed"]
        # Typed in any notation, stored as E.164 (the column's length is that of E.164).
        field_classes = {"phone": PhoneField, "phone_alt": PhoneField}
        widgets = {"parental_authority": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parental_authority"].help_text = _(
            "Only a person with parental authority can give consent for the child."
        )


class ChildForm(_FieldsOnly):
    class Meta:
        model = Child
        fields = [
            "first_name",
            "birth_date",
            "birth_year",
            "school_type",
            "school_name",
            "swv",
            "municipality",
            "support_need",
            "support_kind",
            "has_opp",
            "has_tlv",
        ]
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def clean_birth_date(self) -> dt.date | None:
        birth_date = self.cleaned_data.get("birth_date")
        _not_in_future(birth_date, _("A date of birth cannot be in the future."))
        if birth_date:
            self._check_age(birth_date.year, "birth_date")
        return birth_date

    def clean_birth_year(self) -> int | None:
        year = self.cleaned_data.get("birth_year")
        if year:
            self._check_age(year, "birth_year")
        return year

    def _check_age(self, year: int, field: str) -> None:
        age = timezone.localdate().year - year
        if age < 0:
            raise ValidationError(_("A year of birth cannot be in the future."), code="future")
        if age > OLDEST_AGE:
            raise ValidationError(
                _("With this year of birth the child would be %(age)s. Check the year.") % {"age": age},
                code="implausible_age",
            )

    def clean(self) -> dict:
        cleaned = super().clean()
        birth_date, year = cleaned.get("birth_date"), cleaned.get("birth_year")
        if birth_date and year and birth_date.year != year:
            self.add_error("birth_year", _("The year does not match the date of birth."))
        return cleaned


class CallForm(_FieldsOnly):
    topics = ModelIdsField(
        label=_("Topics"),
        queryset=Topic.objects.filter(active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # Before the key questions: what the parent asks for comes first in a call.
    questions = forms.MultipleChoiceField(
        label=_("What does the parent ask for?"),
        choices=ParentQuestion.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    steps_taken = forms.MultipleChoiceField(
        label=_("1. Which steps has the parent already taken?"),
        choices=StepTaken.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Call
        fields = [
            *CASE_FACTS,  # the facts a next call on the case starts from, in the form's order
            "topics",
            "notes",
            "advice",
            "next_step",
            "channel",
            "started_at",
            "duration_minutes",
        ]
        labels = {
            "conflict": _("2. Is there discord or conflict between parents, school and SWV?"),
            "disagrees_with_advice": _("3. The parent disagrees with an advice and cannot resolve it alone"),
            "at_home": _("4. Is the child at home without school?"),
        }
        widgets = {
            "conflict": forms.RadioSelect,
            "at_home": forms.RadioSelect,
            "at_home_since": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "started_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "notes": forms.Textarea(attrs={"rows": 4}),
            "advice": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["started_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d-%m-%Y %H:%M"]
        if not self.is_bound and "started_at" not in self.initial:
            self.initial["started_at"] = timezone.localtime().replace(second=0, microsecond=0)

    def clean_started_at(self) -> dt.datetime:
        started_at = self.cleaned_data["started_at"]
        if started_at > timezone.now() + CLOCK_SKEW:
            raise ValidationError(_("The call cannot start in the future."), code="future")
        return started_at

    def clean_at_home_since(self) -> dt.date | None:
        since = self.cleaned_data.get("at_home_since")
        _not_in_future(since, _("The child cannot be at home since a date in the future."))
        return since

    def clean(self) -> dict:
        cleaned = super().clean()
        at_home = cleaned.get("at_home")
        if at_home == AtHome.YES and not cleaned.get("at_home_since") and "at_home_since" not in self.errors:
            self.add_error("at_home_since", _("Since when is the child at home? An estimate will do."))
        if at_home == AtHome.NO:
            cleaned["at_home_since"] = None
        return cleaned

    def call_fields(self) -> dict:
        """The cleaned values that belong on the Call itself (topics are set apart)."""
        return {name: value for name, value in self.cleaned_data.items() if name != "topics"}


class NewCaseForm(forms.Form):
    """What the call screen asks beyond caller, child and call."""

    summary = forms.CharField(
        label=_("Summary of the question"),
        max_length=300,
        required=False,
        help_text=_("One line that tells a colleague what this case is about."),
    )
    confirm_duplicate = forms.BooleanField(
        label=_("This is a different child or question: open a new case anyway"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


def draft_initial(form_class: type[forms.BaseForm], prefix: str, data: dict[str, list[str]]) -> dict:
    """Initial values for one form from a saved draft (its fields as posted).

    A draft is shown as initial values, not as a bound form: the advisor gets
    their text back without a page full of "this field is required".
    """
    initial = {}
    for name, field in form_class.base_fields.items():
        key = f"{prefix}-{name}"
        if key not in data:
            continue
        many = isinstance(field, forms.MultipleChoiceField)
        initial[name] = data[key] if many else data[key][-1]
    return initial
