"""The load test's setting up and clearing away, around bench/load.py (the load itself,
in a second process): its advisors and their sessions, the seeded parents they look
up, and afterwards the cases they opened, which are removed so that every run starts
from the same seeded database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import accounts

LOAD_CLIENT = Path(__file__).resolve().parent / "load.py"


def run_load(port: int, *, advisors: list, seconds: float, think_seconds: float, seeded: list[dict]) -> dict:
    """One run of bench/load.py with these advisors (each its own session); its summary."""
    from django.conf import settings

    from caseflow.cases.models import Topic
    from intake.models import SchoolType, StepTaken

    config = {
        "host": "127.0.0.1",
        "port": port,
        "seconds": seconds,
        "think_seconds": think_seconds,
        "timeout": 60,
        "seed": int(time.time()),
        "repeat_share": 0.4,
        "time_zone": settings.TIME_ZONE,
        "cookies": [accounts.verified_session_cookie(user) for user in advisors],
        "seeded": seeded,
        "choices": {
            "topics": [str(pk) for pk in Topic.objects.filter(active=True).values_list("pk", flat=True)],
            "school_type": list(SchoolType.values),
            "steps_taken": list(StepTaken.values),
        },
    }
    with tempfile.NamedTemporaryFile("w", suffix=".json", prefix="caseflow-load-", delete=False) as file:
        json.dump(config, file)
    try:
        finished = subprocess.run(
            [sys.executable, str(LOAD_CLIENT), file.name], capture_output=True, text=True,
            timeout=seconds + 300, check=False,
        )  # fmt: skip
    finally:
        os.unlink(file.name)
    if finished.returncode != 0:
        raise RuntimeError(f"bench/load.py failed:\n{finished.stderr[-3000:]}")
    summary = json.loads(finished.stdout)
    summary["think_seconds"] = think_seconds
    return summary


def seeded_parents(count: int = 500) -> list[dict]:
    """Seeded callers the advisors look up: their phone number as a parent says it, and their case."""
    from bench.pages import typed_nationally
    from intake.models import Caller

    callers = Caller.objects.order_by("?").values_list("phone", "case__reference")[:count]
    return [{"phone": typed_nationally(phone), "reference": reference} for phone, reference in callers]


def calls_logged_by(advisors: list) -> int:
    from intake.models import Call

    return Call.objects.filter(advisor__in=advisors).count()


def remove_cases_of(advisors: list) -> int:
    """Delete what the load test wrote: the cases its advisors opened (with their callers,
    child, calls and drafts) and every history row of those. The access log is append-only
    and keeps its lines (their case becomes empty, as for any deleted case)."""
    from django.db import transaction

    from caseflow.cases.models import Case
    from intake.models import Call, CallDraft, Caller, Child

    case_ids = list(Case.objects.filter(owner__in=advisors).values_list("pk", flat=True))
    with transaction.atomic():
        CallDraft.objects.filter(author__in=advisors).delete()
        if not case_ids:
            return 0
        # Deleting writes a "-" history row per row; those go with the rest below.
        for start in range(0, len(case_ids), 1_000):
            Case.objects.filter(pk__in=case_ids[start : start + 1_000]).delete()
        histories = {
            Case: Case.history.filter(id__in=case_ids),
            **{model: model.history.filter(case_id__in=case_ids) for model in (Call, Caller, Child)},
        }
        for model in (Case, Call):  # the topics of each history row first (no foreign key to cascade)
            through = _historical_topics(model)
            through.objects.filter(history_id__in=histories[model].values("history_id")).delete()
        for rows in histories.values():
            rows.delete()
    return len(case_ids)


def _historical_topics(model):
    history = model.history.model
    return history._meta.get_field(f"historical{model.__name__.lower()}_topics").related_model


def active_advisors(count: int) -> list:
    """The load test's advisors, switched on, with anything a crashed earlier run left behind removed."""
    advisors = accounts.load_advisors(count)
    remove_cases_of(advisors)
    return advisors
