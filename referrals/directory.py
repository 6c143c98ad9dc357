"""Loading the loket directory and the rule parameters from referrals/data/loketten.json."""

from __future__ import annotations

import json
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "loketten.json"


def directory_load(*, loket_model, parameter_model, path: Path = DATA_FILE) -> tuple[int, int]:
    """Add the organisations and parameters that are missing; returns how many were added.

    What is there already is left alone: team leads edit the directory in the
    management site, and a reload must not undo their changes. Takes the models
    as arguments, so that it does not import the app's models at import time.
    """
    data = json.loads(path.read_text(encoding="utf-8"))
    lokets_added = sum(
        loket_model.objects.get_or_create(code=row.pop("code"), defaults=row)[1] for row in data["loketten"]
    )
    parameters_added = sum(
        parameter_model.objects.get_or_create(key=row.pop("key"), defaults=row)[1] for row in data["rule_parameters"]
    )
    return lokets_added, parameters_added


def load_after_migrate(sender, **kwargs) -> None:
    from referrals.models import Loket, RuleParameter

    directory_load(loket_model=Loket, parameter_model=RuleParameter)
