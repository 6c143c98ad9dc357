"""Forms for the case itself. Each edit carries the version the user saw."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from caseflow.accounts import roles
from caseflow.cases.models import OPEN_STATUSES, CaseStatus, CloseReason, Topic
from caseflow.lib.request_input import ID_DIGITS


class ModelIdsField(forms.ModelMultipleChoiceField):
    """Rows ticked by id. An id longer than any database integer is refused like any unknown id:
    Django's `pk__in` passes it on, and SQLite raises OverflowError (a server error)."""

    def _check_values(self, value):
        for pk in value:
            if len(str(pk)) > ID_DIGITS:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)


def case_workers():
    """Active advisors and team leads: the people a case can belong to."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__name=roles.ADVISOR) | Q(groups__name=roles.TEAM_LEAD))
        .distinct()
        .order_by("first_name", "last_name")
    )


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    submit_label = _("Save")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", self.submit_label, css_class="btn-primary", data_shortcut_save=""))


class CaseEditForm(VersionedForm):
    summary = forms.CharField(label=_("Summary of the question"), max_length=300, required=False)
    topics = ModelIdsField(
        label=_("Topics"), queryset=Topic.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=case_workers(), required=False, empty_label=_("Team queue (nobody)")
    )


class CaseStatusForm(VersionedForm):
    submit_label = _("Change status")
    status = forms.ChoiceField(
        label=_("New status"),
        choices=[(s.value, s.label) for s in OPEN_STATUSES if s != CaseStatus.NEW],
    )


class CaseCloseForm(VersionedForm):
    submit_label = _("Close case")
    reason = forms.ChoiceField(label=_("Why is the case closed?"), choices=CloseReason.choices,
                               widget=forms.RadioSelect)
    note = forms.CharField(label=_("Explanation"), max_length=300, required=False,
                           help_text=_("Required when you choose “Other”."))

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("reason") == CloseReason.OTHER and not cleaned.get("note", "").strip():
            self.add_error("note", _("Explain why the case is closed."))
        return cleaned


class CaseReopenForm(VersionedForm):
    submit_label = _("Reopen case")
