"""Demo accounts and demo data for a first look at Caseflow (`make run`) and for
the benchmarks; never in production.

The data itself comes from the apps that own it: each registers a seeder in
its AppConfig.ready(), so caseflow does not import them.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from caseflow import roles


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


# A seeder adds `count` cases' worth of its app's data and says what it made.
DemoSeeder = Callable[[int], str]
_SEEDERS: dict[str, tuple[int, DemoSeeder]] = {}


def register_demo_seeder(name: str, seeder: DemoSeeder, *, order: int = 50) -> None:
    """Seeders run by `order`: the cases (intake) first, then what hangs on them."""
    _SEEDERS[name] = (order, seeder)


def demo_data_seed(*, cases: int) -> list[str]:
    """Run every registered seeder; refused unless DEBUG is on, like the accounts."""
    if not settings.DEBUG:
        raise ImproperlyConfigured("Demo data is only made with DEBUG on.")
    return [seeder(cases) for _, seeder in sorted(_SEEDERS.values(), key=lambda entry: entry[0])]
