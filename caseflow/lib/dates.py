"""Moments and days as Dutch writes them, in Europe/Amsterdam: "do 3 dec 2026 10:15".

Templates use the date filter with the same formats ("b" is the month's abbreviation in
lower case); these are for code that puts a moment into a sentence, such as the name of a
call-back in a case's history.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import dateformat, timezone

MOMENT = "D j b Y H:i"
DAY = "D j b Y"


def moment_text(moment: datetime) -> str:
    return dateformat.format(timezone.localtime(moment), MOMENT)


def day_text(day: date) -> str:
    return dateformat.format(day, DAY)
