"""When the helpline can call back: office hours on working days, never on a public holiday.

Everything here works in the helpline's local time (settings.TIME_ZONE) and
returns aware datetimes, so a slot at 10:30 stays at 10:30 on the wall clock
across the daylight-saving changes, whatever its UTC offset that day.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _


@lru_cache(maxsize=16)
def _public_holidays(year: int) -> dict[date, str]:
    return dict(holidays.country_holidays("NL", years=year, language="nl"))


def public_holiday(day: date) -> str | None:
    """The Dutch name of the public holiday on `day`, if it is one."""
    return _public_holidays(day.year).get(day)


def is_working_day(day: date) -> bool:
    return day.weekday() in settings.OFFICE_DAYS and public_holiday(day) is None


def _slot_length() -> timedelta:
    return timedelta(minutes=settings.CALLBACK_SLOT_MINUTES)


def slot_times() -> list[time]:
    """The start times of the day's slots: 10:00, 10:15, ... 12:45 by default."""
    opens, closes = settings.OFFICE_HOURS
    start = datetime.combine(date.min, opens)
    end = datetime.combine(date.min, closes)
    times = []
    while start + _slot_length() <= end:
        times.append(start.time())
        start += _slot_length()
    return times


def local_datetime(day: date, at: time) -> datetime:
    """`day` at `at` on the helpline's wall clock, as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, at), timezone.get_default_timezone())


def working_days(start: date) -> Iterator[date]:
    day = start
    while True:
        if is_working_day(day):
            yield day
        day += timedelta(days=1)


def slots(*, after: datetime, days: int) -> list[datetime]:
    """Every slot start after `after`, on the next `days` working days that still have one."""
    found: list[datetime] = []
    for day in working_days(timezone.localtime(after).date()):
        left = [slot for at in slot_times() if (slot := local_datetime(day, at)) > after]
        if left:
            found.extend(left)
            days -= 1
        if days <= 0:
            return found
    return found  # pragma: no cover  (working_days never ends)


def _hhmm(at: time) -> str:
    return at.strftime("%H:%M")


# The codes of the refusals below: all of them are about the time chosen.
REFUSAL_CODES = frozenset({"past", "holiday", "closed_day", "outside_hours", "not_a_slot"})


def validate_callback_time(starts: datetime, ends: datetime, *, now: datetime | None = None) -> None:
    """Refuse a call-back outside the office hours, on a closed day, or in the past.

    The messages tell the advisor what is allowed, so they can pick again.
    """
    now = now or timezone.now()
    local_start, local_end = timezone.localtime(starts), timezone.localtime(ends)
    day = local_start.date()
    if starts <= now:
        raise ValidationError(_("This time has passed. Choose a time from now on."), code="past")
    if name := public_holiday(day):
        raise ValidationError(
            _("%(day)s is a public holiday (%(name)s). Choose another day.")
            % {"day": formats.date_format(day, "l j F"), "name": name},
            code="holiday",
        )
    if day.weekday() not in settings.OFFICE_DAYS:
        raise ValidationError(
            _("%(day)s is not a working day of the helpline. Choose another day.")
            % {"day": formats.date_format(day, "l j F")},
            code="closed_day",
        )
    opens, closes = settings.OFFICE_HOURS
    if local_start.time() < opens or local_end.date() != day or local_end.time() > closes:
        raise ValidationError(
            _("The helpline calls back between %(opens)s and %(closes)s. Choose a time in between.")
            % {"opens": _hhmm(opens), "closes": _hhmm(closes)},
            code="outside_hours",
        )
    if local_start.time() not in slot_times():
        raise ValidationError(_("Choose one of the offered times."), code="not_a_slot")
