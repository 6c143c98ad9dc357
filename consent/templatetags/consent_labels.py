"""Consent's codes as the user reads them: {{ record.categories|category_labels }}."""

from __future__ import annotations

from django import template

from consent.models import category_labels as labels_of

register = template.Library()


@register.filter
def category_labels(codes) -> str:
    """Data category codes as their labels in the user's language, joined: "Contactgegevens, Schoolgegevens"."""
    return ", ".join(labels_of(codes or ()))
