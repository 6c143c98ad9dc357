"""History that cannot be skipped by accident.

Every change to a case and what hangs on it must leave a history row with who
made it. `queryset.update()` and `bulk_create/bulk_update` write without one,
so the querysets of the tracked models refuse them. The few writes that keep
history some other way say so explicitly by running inside
`writes_keeping_history_otherwise()`: simple-history's bulk helpers (which
write the history rows themselves), the demo seeder (which does too), and
anonymisation (which rewrites the history rows as well).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import models
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

_allowed: ContextVar[str | None] = ContextVar("caseflow_untracked_writes", default=None)


class UntrackedWriteRefused(Exception):
    """A write that would change tracked rows without writing their history."""


@contextmanager
def writes_keeping_history_otherwise(why: str) -> Iterator[None]:
    token = _allowed.set(why)
    try:
        yield
    finally:
        _allowed.reset(token)


class TrackedQuerySet(models.QuerySet):
    def _refuse_untracked(self, what: str) -> None:
        if _allowed.get() is None:
            raise UntrackedWriteRefused(
                f"{self.model.__name__}: {what} would skip the history. Save each row, or use "
                "caseflow.lib.history.bulk_create_tracked / bulk_update_tracked."
            )

    def update(self, **kwargs) -> int:
        self._refuse_untracked("update()")
        return super().update(**kwargs)

    def bulk_create(self, objs, *args, **kwargs):
        self._refuse_untracked("bulk_create()")
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        self._refuse_untracked("bulk_update()")
        return super().bulk_update(objs, fields, *args, **kwargs)


def bulk_create_tracked(objs: list, model, **kwargs) -> list:
    """bulk_create with a history row per object (simple-history writes them)."""
    with writes_keeping_history_otherwise("bulk_create_with_history"):
        return bulk_create_with_history(objs, model, **kwargs)


def bulk_update_tracked(objs: list, model, fields: list[str], **kwargs) -> int:
    """bulk_update with a history row per object (simple-history writes them)."""
    with writes_keeping_history_otherwise("bulk_update_with_history"):
        return bulk_update_with_history(objs, model, fields, **kwargs)
