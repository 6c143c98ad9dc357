"""Forms for planning call-backs and recording how they went."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caseflow.callbacks.services import FINISHING_STATUSES
from caseflow.cases.forms import case_workers
from caseflow.lib.phones import PhoneField

SLOT_FORMAT = "%Y-%m-%dT%H:%M"  # the value of a slot's radio button, local time

WINDOW_CHOICES = [
    (15, _("Around this time (15 minutes)")),
    (30, _("Within half an hour")),
    (60, _("Within an hour")),
]


def slot_value(starts: datetime) -> str:
    return timezone.localtime(starts).strftime(SLOT_FORMAT)


class CallbackTimeForm(forms.Form):
    """When: a slot from the grid, and how wide the window is that the parent was promised."""

    slot = forms.CharField(
        label=_("Time"), error_messages={"required": _("Choose a time for the call-back.")}, max_length=16
    )
    window = forms.TypedChoiceField(label=_("Window"), choices=WINDOW_CHOICES, coerce=int, initial=15)

    def clean_slot(self) -> datetime:
        try:
            naive = datetime.strptime(self.cleaned_data["slot"], SLOT_FORMAT)
        except ValueError:
            raise forms.ValidationError(_("Choose one of the offered times."), code="not_a_slot") from None
        # The grid offers the next few working days. A year further is no promise to a parent,
        # and a time near the calendar's end would overflow when its window is added.
        if naive.year > timezone.localdate().year + 1:
            raise forms.ValidationError(_("Choose a time within the coming year."), code="too_far_ahead")
        return timezone.make_aware(naive, timezone.get_default_timezone())


class CallbackPlanForm(CallbackTimeForm):
    assigned_to = forms.ModelChoiceField(
        label=_("Who calls back"), queryset=case_workers(), required=False, empty_label=_("Team queue (nobody)")
    )
    phone = PhoneField(label=_("Number to call"), error_messages={"required": _("Fill in the number to call.")})
    subject = forms.CharField(
        label=_("What to discuss"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Write down what the call-back is about.")},
    )

    field_order = ["assigned_to", "slot", "window", "phone", "subject"]


class CallbackOutcomeForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Outcome"),
        choices=[(status.value, status.label) for status in FINISHING_STATUSES],
        error_messages={"invalid_choice": _("Choose how the call-back went.")},
    )
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
