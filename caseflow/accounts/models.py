"""The helpline's staff."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class User(AbstractUser):
    """A member of the helpline's staff; the role comes from the groups in roles.py.

    A project-owned user model from the start, so that fields the helpline
    needs later (a phone extension, a team) are a migration, not a rewrite.
    """

    # Password hashes and sign-in times are kept out of the history: the first
    # must not linger in copies, the second would drown the real changes.
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.get_full_name() or self.username
