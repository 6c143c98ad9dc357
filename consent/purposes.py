"""The purposes of consent/data/purposes.json, added after every migrate when missing."""

from __future__ import annotations

import json
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "purposes.json"


def purposes_load(sender=None, **kwargs) -> int:
    """Add the purposes that are missing; edited ones are left alone. Returns how many were added."""
    from consent.models import Purpose

    rows = json.loads(DATA_FILE.read_text(encoding="utf-8"))["purposes"]
    return sum(Purpose.objects.get_or_create(code=row.pop("code"), defaults=row)[1] for row in rows)
