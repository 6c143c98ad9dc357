"""Personal data: where it lives, how it is blanked, and what a parent may ask to see.

Each app registers, for every model that hangs on a case, which fields hold
personal data and what they become when the case is anonymised. Anonymising a
case blanks those fields in the live rows and in every history row of them
(a copy in a history table is still a copy), runs the apps' clean-up hooks
(drafts), and leaves what the statistics need: dates, statuses, topics,
school type, the rules that advised (when and why: retention.py). The same
registry gives the subject access export its contents.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import models
from django.utils import timezone

from caseflow.audit.models import AccessLog
from caseflow.cases.models import Case
from caseflow.lib.history import writes_keeping_history_otherwise


@dataclass(frozen=True)
class PersonalData:
    """`model` rows of a case (found through `case_field`), and their personal fields' blank values."""

    model: type[models.Model]
    case_field: str
    blank: dict[str, object] = field(default_factory=dict)
    # Shown in the subject access export under this title.
    title: str = ""
    # The text fields that stay because they hold no personal data (codes, an organisation's
    # name, the wording of a purpose). Every other text field of the model belongs in `blank`:
    # tests/caseflow/audit/test_privacy.py fills each one and checks that anonymising empties it.
    kept: tuple[str, ...] = ()
    # How the case's history (caseflow.audit.timeline) reads a row, so that it shows names, never ids:
    # `named(row)` says which row it is ("beller Fatima el Amrani", "verwijzing naar ..."), from
    # a history row whose links to other models (a loket, a purpose, a user) are read already;
    # without it, the model's verbose name.
    named: Callable[[models.Model], str] | None = None
    # Fields of codes whose field has no choices (a JSON list of choice codes, a recipient's
    # code), with the labels of those codes: `{field: () -> {code: label}}`, asked once per page.
    labels: dict[str, Callable[[], dict]] = field(default_factory=dict)
    # JSON lists of the ids of other rows of the case, `{field: model}`: shown by those rows' names.
    id_lists: dict[str, type[models.Model]] = field(default_factory=dict)
    # Fields the history leaves out: an id kept beside the name it stands for.
    not_in_history: tuple[str, ...] = ()


_REGISTRY: dict[str, PersonalData] = {}
_HOOKS: dict[str, Callable[[Case], None]] = {}
_SWEEPS: dict[str, Callable[[datetime], int]] = {}


def register_personal_data(entry: PersonalData) -> None:
    _REGISTRY[entry.model._meta.label] = entry


def register_anonymise_hook(key: str, hook: Callable[[Case], None]) -> None:
    """`hook(case)` removes what an app keeps outside its tracked models (e.g. drafts)."""
    _HOOKS[key] = hook


def register_retention_sweep(key: str, sweep: Callable[[datetime], int]) -> None:
    """`sweep(now)` deletes personal data that belongs to no case and has outlived its purpose
    (e.g. the draft of a call that was never saved); returns how many records it removed."""
    _SWEEPS[key] = sweep


def personal_data() -> list[PersonalData]:
    return list(_REGISTRY.values())


def _rows(entry: PersonalData, case: Case, *, history: bool) -> models.QuerySet:
    manager = entry.model.history if history else entry.model._base_manager
    return manager.filter(**{entry.case_field: case.pk})


def _kept_in_history(entry: PersonalData) -> dict[str, object]:
    """The blank values of the fields the history table has (some are excluded from it)."""
    names = {f.name for f in entry.model.history.model._meta.concrete_fields}
    return {name: value for name, value in entry.blank.items() if name in names}


def case_rows_blank(case: Case) -> None:
    """Blank the personal data of the case's rows and of every history row of them, then run
    the apps' clean-up hooks (case_anonymise in audit/retention.py does it, with the case locked)."""
    with writes_keeping_history_otherwise("anonymisation rewrites the history rows as well"):
        for entry in _REGISTRY.values():
            if not entry.blank:
                continue
            _rows(entry, case, history=False).update(**entry.blank)
            _rows(entry, case, history=True).update(**_kept_in_history(entry))
    for hook in _HOOKS.values():
        hook(case)


def retention_sweeps_run(now: datetime) -> int:
    """Run every app's retention sweep; returns how many records they removed."""
    return sum(sweep(now) for sweep in _SWEEPS.values())


# --- Subject access (GDPR art. 15) --------------------------------------------------------


def _as_dicts(queryset) -> list[dict]:
    return [{k: _plain(v) for k, v in row.items()} for row in queryset.values()]


def _plain(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def subject_access(case: Case) -> dict:
    """Everything held about the people of a case: the rows, their history, who looked at it."""
    sections = []
    for entry in _REGISTRY.values():
        sections.append(
            {
                "title": str(entry.title or entry.model._meta.verbose_name_plural),
                "model": entry.model._meta.label,
                "rows": _as_dicts(_rows(entry, case, history=False).order_by("pk")),
                "history": _as_dicts(_rows(entry, case, history=True).order_by("history_date", "history_id")),
            }
        )
    access = AccessLog.objects.filter(case=case).select_related("user").order_by("at", "id")
    return {
        "case": case.reference,
        "made_at": timezone.localtime().isoformat(),
        "sections": sections,
        "access_log": [
            {"at": _plain(entry.at), "user": str(entry.user), "action": entry.get_action_display(), "what": entry.what}
            for entry in access
        ],
    }
