"""Values a view reads from the request itself, outside a form class, checked as a form would.

Each one was once a server error found by fuzzing every form (tests/caseflow/test_form_fuzz.py).
"""

from __future__ import annotations

from django import forms
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

# A database id: 64 bits hold 18 digits at least. int() refuses more than 4,300 digits,
# and SQLite raises OverflowError beyond 64 bits.
ID_DIGITS = 18


def row_id(value: str | None) -> int | None:
    """A row id sent in a form or query; None for anything else ("²" is a digit to isdigit())."""
    value = value or ""
    return int(value) if value.isascii() and value.isdigit() and len(value) <= ID_DIGITS else None


def plain_text(value: str) -> str:
    """A text read from the request without a form, as PostgreSQL can store or compare it: without
    NUL characters (nobody types one; a crafted request would otherwise be a server error)."""
    return value.replace("\x00", "")


def next_path(request: HttpRequest, default: str) -> str:
    """The `next` the request names, if it is a path on this site; else `default`.

    A path only: redirect() would take a bare word ("0", "abc") for a view name.
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    on_site = target.startswith("/") and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    )
    return target if on_site else default


def posted_text(request: HttpRequest, name: str, *, max_length: int | None = None) -> str:
    """A text read from the POST, checked as a form field checks it: no NUL characters
    (PostgreSQL refuses them), at most `max_length`. Raises ValidationError."""
    return forms.CharField(max_length=max_length, required=False).clean(request.POST.get(name, ""))
