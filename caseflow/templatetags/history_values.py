"""A stored value as a person reads it, for the management site's history pages (django-simple-history's
template, overridden in templates/simple_history/): Ja/Nee, a dash for nothing, moments in Dutch."""

from django import template

from caseflow.audit.timeline import change_reason_text, readable_value

register = template.Library()


@register.filter
def as_read(value) -> str:
    return readable_value(value)


@register.filter
def reason_as_read(reason) -> str:
    return change_reason_text(reason) or "—"
