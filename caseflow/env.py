"""Typed readers for configuration from environment variables.

Each reader returns the parsed value or the default, and raises
ImproperlyConfigured naming the variable when a value is present but does not
parse: a typo in an operator's configuration must stop the process at start-up,
not surface as odd behaviour weeks later.
"""

from __future__ import annotations

import os
from datetime import time

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    return None if value is None else value.strip()


def env_str(name: str, default: str | None = None) -> str | None:
    value = _raw(name)
    return default if value in (None, "") else value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use true or false).")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} must be at least {minimum}.")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value in (None, ""):
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(name: str, choices: tuple[str, ...], default: str) -> str:
    value = env_str(name, default)
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} must be one of: {', '.join(choices)}.")
    return value


def parse_time_range(name: str, value: str) -> tuple[time, time]:
    """'10:00-13:00' -> (time(10), time(13)); the start must come before the end."""
    try:
        start_text, end_text = value.split("-")
        start, end = time.fromisoformat(start_text.strip()), time.fromisoformat(end_text.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a range like 10:00-13:00.") from None
    if start >= end:
        raise ImproperlyConfigured(f"{name}={value!r}: the start must be before the end.")
    return start, end


def env_time_range(name: str, default: str) -> tuple[time, time]:
    return parse_time_range(name, env_str(name, default))


def env_weekdays(name: str, default: str) -> tuple[int, ...]:
    """'mon,tue,wed' -> (0, 1, 2), the numbering of date.weekday()."""
    days = env_list(name, default.split(","))
    unknown = [day for day in days if day.lower() not in WEEKDAYS]
    if unknown or not days:
        raise ImproperlyConfigured(
            f"{name}={','.join(days)!r}: use day names from {','.join(WEEKDAYS)}."
        )
    return tuple(sorted({WEEKDAYS.index(day.lower()) for day in days}))
