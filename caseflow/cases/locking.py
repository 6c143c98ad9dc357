"""Optimistic locking of a case, for every concern and app that writes to one.

The row is locked, the version compared and raised in the same transaction, so of two
advisors saving the same case the second is told, and nothing of the first is lost.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from caseflow.cases.models import Case


class ConcurrentEditError(Exception):
    """Someone saved the case after the user opened it; their edit was not applied."""

    def __init__(self, case: Case):
        self.case = case
        latest = case.history.select_related("history_user").first()
        self.changed_by = latest.history_user if latest else None
        self.changed_at = latest.history_date if latest else None
        super().__init__(f"case {case.pk} is at version {case.version}")

    def message(self) -> str:
        when = timezone.localtime(self.changed_at).strftime("%H:%M") if self.changed_at else "?"
        who = str(self.changed_by) if self.changed_by else _("a colleague")
        return _(
            "%(who)s changed this case at %(when)s, after you opened it. Your changes have not "
            "been saved; they are still in the form below. Check the case and save again."
        ) % {"who": who, "when": when}


def case_lock(*, case_id: int, expected_version: int | None = None) -> Case:
    """The case row, locked until the transaction ends; checks the version if given."""
    case = Case.objects.select_for_update().get(pk=case_id)
    if expected_version is not None and case.version != expected_version:
        raise ConcurrentEditError(case)
    return case


def case_mark_changed(*, case: Case) -> None:
    """Raise the version after an edit of the case's details kept elsewhere (child,
    caller), so that a colleague's form opened before it cannot overwrite them."""
    case.version += 1
    case.skip_history_when_saving = True
    try:
        case.save(update_fields=["version"])
    finally:
        del case.skip_history_when_saving
