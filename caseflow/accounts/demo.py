"""The demo accounts of `make run`: made only with DEBUG on, never on a real server."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from caseflow.accounts import roles


@dataclass(frozen=True)
class DemoAccount:
    username: str
    first_name: str
    last_name: str
    role: str


DEMO_ACCOUNTS = (
    DemoAccount("adviseur", "Anna", "de Vries", roles.ADVISOR),
    DemoAccount("adviseur2", "Bram", "Jansen", roles.ADVISOR),
    DemoAccount("teamleider", "Carla", "Bakker", roles.TEAM_LEAD),
)


@transaction.atomic
def demo_accounts_reset() -> list[tuple[DemoAccount, str]]:
    """Create or refresh the demo accounts, each with a new random password.

    Returns each account with its password, to be shown once in the terminal.
    Refused unless DEBUG is on: known accounts must never reach a real server.
    """
    if not settings.DEBUG:
        raise ImproperlyConfigured("Demo accounts are only made with DEBUG on.")
    user_model = get_user_model()
    made = []
    for account in DEMO_ACCOUNTS:
        user, _ = user_model.objects.get_or_create(username=account.username)
        user.first_name, user.last_name = account.first_name, account.last_name
        user.is_active = True
        password = secrets.token_urlsafe(9)
        user.set_password(password)
        user.save()
        user.groups.set([Group.objects.get(name=account.role)])
        made.append((account, password))
    return made
