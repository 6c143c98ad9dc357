"""Phone numbers: what an advisor types, stored as E.164, shown as dialled here.

In caseflow because both the intake (callers) and call-backs (the number to
call) need them.
"""

from __future__ import annotations

import re

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from phonenumbers import ValidationResult

DEFAULT_REGION = "NL"
# What people write around the digits: +31 (0)6 1234-5678, 0031 6 12.34.56.78, 06/12345678.
NOT_IN_A_NUMBER = re.compile(r"[^\d\s+()./-]")
# Room for a number as typed (spaces, dashes, "(0)"); the stored E.164 form is at most 16.
TYPED_MAX_LENGTH = 40
# The digits an E.164 number has at most, country code included.
E164_MAX_DIGITS = 15

DIGITS_MISSING = _("This is not a valid phone number: digits are missing.")
TOO_MANY_DIGITS = _("This is not a valid phone number: it has too many digits.")
NOT_A_NUMBER_SIGN = _("This is not a valid phone number: it has letters or signs that do not belong in a phone number.")
NO_SUCH_COUNTRY = _("This is not a valid phone number: this country code does not exist.")
NO_SUCH_NUMBER = _("This is not a valid phone number: no number begins like this.")


def phone_e164(raw: str) -> str:
    """A phone number in E.164 (+31612345678), read as Dutch unless it says otherwise.

    Raises ValidationError with a Dutch message that says what is wrong, so the advisor
    knows whether to ask for a missing digit or check a typo.
    """
    if NOT_IN_A_NUMBER.search(raw):
        raise _refused(NOT_A_NUMBER_SIGN)
    try:
        number = phonenumbers.parse(raw, DEFAULT_REGION)
    except phonenumbers.NumberParseException as error:
        raise _refused(_why_unreadable(error)) from None
    if not phonenumbers.is_valid_number(number):
        raise _refused(_why_invalid(number))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _refused(message) -> ValidationError:
    return ValidationError(message, code="invalid_phone")


def _why_unreadable(error: phonenumbers.NumberParseException):
    if error.error_type == phonenumbers.NumberParseException.INVALID_COUNTRY_CODE:
        return NO_SUCH_COUNTRY
    if error.error_type == phonenumbers.NumberParseException.TOO_LONG:
        return TOO_MANY_DIGITS
    return DIGITS_MISSING  # no digits at all, or too few after the 00 or the country code


def _why_invalid(number: phonenumbers.PhoneNumber):
    """Too short or too long for its country, else a number no operator hands out.

    The library's own length check allows every length any number of the country can have
    (in the Netherlands 4 to 11), so "+31 6 1234" passes it: we also try whether a valid
    number ends where this one is cut short, or begins with what was typed.
    """
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason == ValidationResult.TOO_LONG:
        return TOO_MANY_DIGITS
    if reason == ValidationResult.TOO_SHORT:
        return DIGITS_MISSING
    digits = phonenumbers.national_significant_number(number)
    if any(_is_valid(number.country_code, digits[:end]) for end in range(len(digits) - 1, 0, -1)):
        return TOO_MANY_DIGITS
    room = E164_MAX_DIGITS - len(str(number.country_code)) - len(digits)
    if any(_is_valid(number.country_code, digits + fill * extra) for extra in range(1, room + 1) for fill in "051"):
        return DIGITS_MISSING
    return NO_SUCH_NUMBER


def _is_valid(country_code: int, national_digits: str) -> bool:
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(f"+{country_code}{national_digits}"))
    except phonenumbers.NumberParseException:
        return False


class PhoneField(forms.CharField):
    """A phone number as typed, cleaned to E.164 (or "" when left empty).

    The model's max_length is that of the stored E.164 form (16); what the advisor types
    ("+31 (0)6 1234 5678") is longer, so the typed text gets its own, generous limit.
    """

    widget = forms.TextInput(attrs={"type": "tel", "autocomplete": "off"})

    def __init__(self, **kwargs):
        kwargs["max_length"] = TYPED_MAX_LENGTH
        super().__init__(**kwargs)

    def clean(self, value) -> str:
        typed = super().clean(value)
        return phone_e164(typed) if typed else ""


def phone_e164_or_none(raw: str) -> str | None:
    """The E.164 form of a search text that is a phone number, else None."""
    if sum(c.isdigit() for c in raw) < 9 or NOT_IN_A_NUMBER.search(raw):
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
