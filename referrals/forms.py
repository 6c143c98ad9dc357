from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from referrals.models import Loket, ReferralStatus


class ManualReferralForm(forms.Form):
    loket = forms.ModelChoiceField(
        label=_("Refer to"), queryset=Loket.objects.filter(active=True, direct_referral=True), to_field_name="code"
    )
    reason = forms.CharField(
        label=_("Why"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text=_("Your reason is kept with the referral, beside the advice of the rules."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Refer"), css_class="btn-primary", data_shortcut_save=""))


class ReferralStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=ReferralStatus.choices)
    decline_reason = forms.CharField(
        label=_("Why declined"), max_length=300, required=False, help_text=_("Required when declined.")
    )
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Save"), css_class="btn-primary", data_shortcut_save=""))

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("status") == ReferralStatus.DECLINED and not cleaned.get("decline_reason", "").strip():
            self.add_error("decline_reason", _("Say why the referral was declined."))
        return cleaned
