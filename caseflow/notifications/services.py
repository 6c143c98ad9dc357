"""In-app notifications: one per recipient and event, whoever announces it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from caseflow.accounts import roles
from caseflow.accounts.models import User
from caseflow.notifications.models import Notification

if TYPE_CHECKING:
    from caseflow.callbacks.models import Callback
    from caseflow.cases.models import Case


def team_leads() -> list[User]:
    return list(User.objects.filter(is_active=True, groups__name=roles.TEAM_LEAD))


def team_watch() -> list[User]:
    """Who hears of a call-back that is the team's to make or has gone wrong: the active team leads,
    or, while the team has none (a lead left, the next not yet appointed), every active advisor,
    so that no parent waits unheard."""
    return team_leads() or list(User.objects.filter(is_active=True, groups__name=roles.ADVISOR))


# The page a notification of a kind about no case opens, registered by the app that sends it
# (the intake's inbox), so that caseflow need not know the app's pages.
_PAGES: dict[str, str] = {}


def register_notification_page(kind: str, url_name: str) -> None:
    _PAGES[kind] = url_name


def notification_page(kind: str) -> str | None:
    return _PAGES.get(kind)


def notify(*, recipients, key: str, kind: str, case: Case | None = None, callback: Callback | None = None) -> None:
    """One notification per recipient for the event `key`; a repeat does nothing."""
    Notification.objects.bulk_create(
        [Notification(recipient=user, key=key, kind=kind, case=case, callback=callback) for user in recipients],
        ignore_conflicts=True,
    )


def notifications_unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at=None).count()


def notifications_mark_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at=None).update(read_at=timezone.now())
