from __future__ import annotations

import datetime as dt

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caseflow.parties import CaseParties
from consent.models import Authority, ConsentMethod, DataCategory, Purpose
from consent.recipients import recipient_choices

# How long a consent lasts unless the advisor says otherwise.
DEFAULT_VALIDITY = dt.timedelta(days=365)


def _helper(label) -> FormHelper:
    helper = FormHelper()
    helper.add_input(Submit("save", label, css_class="btn-primary", data_shortcut_save=""))
    return helper


class ConsentGiveForm(forms.Form):
    purpose = forms.ModelChoiceField(label=_("Purpose"), queryset=Purpose.objects.filter(active=True))
    recipient = forms.ChoiceField(label=_("Recipient"))
    categories = forms.MultipleChoiceField(
        label=_("Which data"), choices=DataCategory.choices, widget=forms.CheckboxSelectMultiple,
        help_text=_("Only what the parent agreed to; never everything by default."),
    )
    giver = forms.TypedChoiceField(label=_("Given by"), coerce=int)
    method = forms.ChoiceField(label=_("How"), choices=ConsentMethod.choices, widget=forms.RadioSelect)
    valid_until = forms.DateField(
        label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    school_proposed = forms.BooleanField(
        label=_("The school proposed this, and the parents agreed"), required=False,
    )

    def __init__(self, *args, parties: CaseParties, **kwargs):
        super().__init__(*args, **kwargs)
        self.parties = {party.id: party for party in parties.people}
        self.fields["recipient"].choices = recipient_choices()
        self.fields["giver"].choices = [
            (party.id, f"{party.name} ({_('parental authority')}: {Authority(party.authority).label})")
            for party in parties.people
        ]
        self.fields["giver"].help_text = _(
            "Only a person with parental authority can give a valid consent for the child."
        )
        self.initial.setdefault("valid_until", timezone.localdate() + DEFAULT_VALIDITY)
        self.initial.setdefault("method", ConsentMethod.PHONE)
        self.helper = _helper(_("Record consent"))

    def clean_giver(self):
        giver = self.parties[self.cleaned_data["giver"]]
        if giver.authority == "no":
            raise forms.ValidationError(
                _("%(name)s has no parental authority and cannot give a valid consent for the child.")
                % {"name": giver.name}
            )
        return giver

    def clean_valid_until(self) -> dt.datetime:
        day = self.cleaned_data["valid_until"]
        if day <= timezone.localdate():
            raise forms.ValidationError(_("A consent must be valid until a moment in the future."))
        return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59)))

    def recipient_name(self) -> str:
        return dict(self.fields["recipient"].choices)[self.cleaned_data["recipient"]]


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Why is the consent withdrawn?"), max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Withdraw consent"))
