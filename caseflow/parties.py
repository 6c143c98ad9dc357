"""Who holds parental authority for a case's child, without caseflow or consent
importing the app that knows the callers.

The intake registers its answer in its AppConfig.ready(); the consent gate asks
here when the organisation requires every parent with authority to agree.
"""

from __future__ import annotations

from collections.abc import Callable

from caseflow.models import Case

_provider: Callable[[Case], set[int]] | None = None


def register_authority_holders(provider: Callable[[Case], set[int]]) -> None:
    global _provider
    _provider = provider


def authority_holders(case: Case) -> set[int]:
    """The ids of the people with parental authority (empty when no app has said)."""
    return _provider(case) if _provider else set()
