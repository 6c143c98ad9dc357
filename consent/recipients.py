"""Who can receive data: the apps that know the organisations register them here
(referrals registers its loket directory), so consent imports none of them."""

from __future__ import annotations

from collections.abc import Callable

_sources: dict[str, Callable[[], list[tuple[str, str]]]] = {}


def register_recipients(name: str, source: Callable[[], list[tuple[str, str]]]) -> None:
    """source() returns (code, name) pairs."""
    _sources[name] = source


def recipient_choices() -> list[tuple[str, str]]:
    return sorted((pair for source in _sources.values() for pair in source()), key=lambda pair: pair[1])
