"""Turning names an advisor types into what we store and search on (phones: caseflow.lib.phones)."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def search_key(text: str) -> str:
    """Lower case, accents and punctuation gone: "Ünal-de Vries" -> "unal de vries".

    Names are stored with this key beside them, so that a fragment typed on
    the phone matches however the name was written.
    """
    decomposed = unicodedata.normalize("NFKD", text.replace("\x00", ""))
    letters = "".join(c if c.isalnum() else " " for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", letters).strip().lower()
