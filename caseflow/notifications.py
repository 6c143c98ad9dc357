"""In-app notifications: one per recipient and event, whoever announces it."""

from __future__ import annotations

from caseflow import roles
from caseflow.models import Callback, Case, Notification, User


def team_leads() -> list[User]:
    return list(User.objects.filter(is_active=True, groups__name=roles.TEAM_LEAD))


def notify(*, recipients, key: str, kind: str, case: Case | None = None, callback: Callback | None = None) -> None:
    """One notification per recipient for the event `key`; a repeat does nothing."""
    Notification.objects.bulk_create(
        [Notification(recipient=user, key=key, kind=kind, case=case, callback=callback) for user in recipients],
        ignore_conflicts=True,
    )
