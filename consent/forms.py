from __future__ import annotations

import datetime as dt

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Layout, Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caseflow.cases.parties import CaseParties
from consent.models import Authority, ConsentMethod, DataCategory, Purpose
from consent.recipients import recipient_choices

# How long a consent lasts unless the advisor says otherwise.
DEFAULT_VALIDITY = dt.timedelta(days=365)


def _helper(label) -> FormHelper:
    helper = FormHelper()
    helper.add_input(Submit("save", label, css_class="btn-primary", data_shortcut_save=""))
    return helper


class ConsentGiveForm(forms.Form):
    purpose = forms.ModelChoiceField(
        label=_("Purpose"), queryset=Purpose.objects.filter(active=True), empty_label=_("Choose a purpose"),
    )
    # The version of the text that was on screen to read out (consent/_purpose_texts.html writes it
    # and static/js/consent.js keeps it with the chosen purpose); consent_give refuses an outdated one.
    purpose_version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
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

    def __init__(
        self, *args, parties: CaseParties, proposed_purpose: str = "", proposed_recipient: str = "", **kwargs
    ):
        """proposed_purpose and proposed_recipient (codes) come from a referral that waits for this
        consent; without them the advisor chooses both, so that nothing is chosen by accident."""
        super().__init__(*args, **kwargs)
        self.parties = {party.id: party for party in parties.people}
        self.purposes = list(self.fields["purpose"].queryset)
        self.fields["recipient"].choices = [("", _("Choose a recipient")), *recipient_choices()]
        self.fields["giver"].choices = [
            (party.id, _("%(name)s (parental authority: %(authority)s)")
             % {"name": party.name, "authority": Authority(party.authority).label})
            for party in parties.people
        ]
        self.fields["giver"].help_text = _(
            "Only a person with parental authority can give a valid consent for the child."
        )
        self.initial.setdefault("valid_until", timezone.localdate() + DEFAULT_VALIDITY)
        self.initial.setdefault("method", ConsentMethod.PHONE)
        self._propose(proposed_purpose, proposed_recipient)
        self.helper = _helper(_("Record consent"))
        # The text to read out right below the purpose it belongs to.
        self.helper.layout = Layout(
            "purpose", HTML('{% include "consent/_purpose_texts.html" %}'), "recipient", "categories", "giver",
            "method", "valid_until", "school_proposed",
        )  # fmt: skip

    def _propose(self, purpose_code: str, recipient_code: str) -> None:
        purpose = next((p for p in self.purposes if p.code == purpose_code), None)
        if purpose is None:
            return
        self.initial["purpose"] = purpose.pk
        if purpose.category_codes:  # a purpose for one kind of data (the parent panel: contact details)
            self.initial.setdefault("categories", purpose.category_codes)
        if recipient_code in self._recipient_names() and purpose.is_for(recipient_code):
            self.initial["recipient"] = recipient_code

    def shown_purpose(self) -> Purpose | None:
        """The purpose whose text the page shows: the one posted, else the one proposed."""
        chosen = str(self["purpose"].value() or "")
        return next((p for p in self.purposes if str(p.pk) == chosen), None)

    def clean(self) -> dict:
        cleaned = super().clean()
        purpose, recipient = cleaned.get("purpose"), cleaned.get("recipient")
        if purpose and cleaned.get("purpose_version") is None:
            self.add_error(None, _("Read the purpose's text to the parent first; it is now shown below the purpose."))
        if purpose and recipient and not purpose.is_for(recipient):
            names = self._recipient_names()
            self.add_error("recipient", _("%(recipient)s does not fit the purpose “%(purpose)s”, which is for: "
                                          "%(fitting)s.") % {
                "recipient": names[recipient], "purpose": purpose,
                "fitting": ", ".join(names.get(code, code) for code in purpose.recipient_codes),
            })  # fmt: skip
        return cleaned

    def clean_giver(self):
        giver = self.parties[self.cleaned_data["giver"]]
        purpose = self.cleaned_data.get("purpose")  # cleaned before the giver
        if giver.authority == "no" and (purpose is None or purpose.needs_parental_authority):
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
        return self._recipient_names()[self.cleaned_data["recipient"]]

    def _recipient_names(self) -> dict[str, str]:
        return {code: name for code, name in self.fields["recipient"].choices if code}


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Why is the consent withdrawn?"), max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Withdraw consent"))
