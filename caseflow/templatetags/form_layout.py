"""Template tags for form pages: the error summary at the top, and fields in groups.

{% error_summary form1 form2 %} lists every error of the forms, each linked to its field;
{% field_group form "name phone" %} renders those fields, and {% field_group form "*"
summary=_("More") %} the fields no earlier group on that form took, folded away in a
<details> (open when one of them has an error), so the usual path through a long form stays
short and a field added to the form later is never left out. A folded group opens by itself for
an error in it or for a value typed there.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms, template
from django.forms.boundfield import BoundField

register = template.Library()

# The names already rendered per form, kept on the form itself for the "*" group.
_PLACED = "_field_groups_placed"


@dataclass(frozen=True)
class FieldError:
    message: str
    label: str = ""
    target_id: str = ""  # the element the summary's link goes to; "" for a form-wide error
    field_name: str = ""  # the field's name in the posted data, for fields with no element of its own


def _target_id(field: BoundField) -> str:
    # A radio or checkbox group has no element for its label; its first choice stands in.
    return field.id_for_label or f"{field.auto_id}_0"


def _form_errors(form: forms.BaseForm) -> list[FieldError]:
    found = [FieldError(message=message) for message in form.non_field_errors()]
    for field in form:
        found += [
            FieldError(message=message, label=field.label, target_id=_target_id(field), field_name=field.html_name)
            for message in field.errors
        ]
    return found


@register.inclusion_tag("partials/error_summary.html")
def error_summary(*forms_on_page, title: str = "") -> dict:
    """Every error of the page's forms, form-wide ones first; nothing when all is well."""
    errors = [error for form in forms_on_page if isinstance(form, forms.BaseForm) for error in _form_errors(form)]
    return {"errors": errors, "title": title}


def _take(form: forms.BaseForm, names: str) -> list[BoundField]:
    placed = form.__dict__.setdefault(_PLACED, set())
    wanted = [name for name in form.fields if name not in placed] if names == "*" else names.split()
    placed.update(wanted)
    return [form[name] for name in wanted]


@register.inclusion_tag("partials/field_group.html")
def field_group(form: forms.BaseForm, names: str, *, summary: str = "", open: bool = False) -> dict:
    """The named fields ("*": the rest), folded under `summary` when one is given."""
    fields = _take(form, names)
    return {"fields": fields, "summary": summary, "open": open or any(_needs_eyes(form, field) for field in fields)}


def _needs_eyes(form: forms.BaseForm, field: BoundField) -> bool:
    """A folded group opens for an error in it, or for what the advisor typed there before a failed save."""
    return bool(field.errors) or (form.is_bound and field.name in form.changed_data)
