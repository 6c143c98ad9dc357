"""Turning what an advisor types into what we store and search on."""

from __future__ import annotations

import re
import unicodedata

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DEFAULT_REGION = "NL"
_SPACES = re.compile(r"\s+")


def search_key(text: str) -> str:
    """Lower case, accents and punctuation gone: "Ünal-de Vries" -> "unal de vries".

    Names are stored with this key beside them, so that a fragment typed on
    the phone matches however the name was written.
    """
    decomposed = unicodedata.normalize("NFKD", text.replace("\x00", ""))
    letters = "".join(c if c.isalnum() else " " for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", letters).strip().lower()


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
