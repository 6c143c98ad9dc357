"""Phone numbers: what an advisor types, stored as E.164, shown as dialled here.

In caseflow because both the intake (callers) and call-backs (the number to
call) need them.
"""

from __future__ import annotations

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DEFAULT_REGION = "NL"


def phone_e164(raw: str) -> str:
    """A phone number in E.164 (+31612345678), read as Dutch unless it says otherwise.

    Raises ValidationError with a Dutch message the advisor can act on.
    """
    try:
        number = phonenumbers.parse(raw, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("This is not a valid phone number. Examples: 06 12345678, 020 1234567, +32 470 123456."),
            code="invalid_phone",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_e164_or_none(raw: str) -> str | None:
    """The E.164 form of a search text that is a phone number, else None."""
    if sum(c.isdigit() for c in raw) < 9 or re.search(r"[^\d\s+()./-]", raw):
        return None
    try:
        return phone_e164(raw)
    except ValidationError:
        return None


def phone_display(e164: str) -> str:
    """How a stored number is shown: Dutch numbers as dialled here, others in full."""
    if not e164:
        return ""
    number = phonenumbers.parse(e164)
    if number.country_code == 31:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
