"""The tally of open call-backs behind the dashboard's call-back figures (caseflow/team/tally.py,
PostgreSQL triggers of migration 0014): after planning, reminding, escalating, moving, finishing,
cancelling and deleting, it says what counting the open call-backs says; a reminder writes
nothing; folding changes no count. The dashboard's figures per advisor are checked against the
call-backs themselves in tests/caseflow/team/test_team_lead.py."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from caseflow.callbacks.models import Callback, CallbackStatus
from caseflow.callbacks.services import callback_finish, callback_reschedule
from caseflow.callbacks.tasks import callbacks_tick
from caseflow.cases.models import CloseReason
from caseflow.cases.services import case_close
from caseflow.team import tally
from caseflow.team.models import CallbackTally
from tests.factories import callback_planned

pytestmark = pytest.mark.postgres

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MONDAY = date(2026, 11, 2)  # a working day without holidays, far from daylight saving


@pytest.fixture(autouse=True)
def _the_documented_defaults(settings):
    """The times below assume these (the defaults), whatever the environment says."""
    settings.CALLBACK_REMINDER_LEAD_MINUTES = 10
    settings.CALLBACK_OVERDUE_MINUTES = 60
    settings.CALLBACK_REMINDER_EMAIL = False


def at(hhmm: str, day: date = MONDAY) -> datetime:
    return datetime.combine(day, time.fromisoformat(hhmm), tzinfo=AMSTERDAM)


def _groups(rows: list[dict]) -> dict[tuple, int]:
    return {(row["assigned_to_id"], row["escalated"]): row["callbacks"] for row in rows if row["callbacks"]}


def assert_tally_is_right() -> None:
    assert _groups(tally.callbacks_summed()) == _groups(tally.callbacks_counted())


def plan(advisor, due: str, *, assigned_to=None, case=None, day: date = MONDAY) -> Callback:
    return callback_planned(advisor, at(due, day), assigned_to=assigned_to, case=case)


def test_the_tally_follows_every_change_of_a_call_back(time_machine, advisor, other_advisor, team_lead):
    time_machine.move_to(at("08:00"), tick=False)
    mine = [plan(advisor, due, assigned_to=advisor) for due in ("10:00", "10:15", "10:30", "12:30")]
    theirs = plan(other_advisor, "10:45", assigned_to=other_advisor)
    team_queue = plan(advisor, "11:00")
    assert_tally_is_right()
    assert _groups(tally.callbacks_summed()) == {(advisor.pk, False): 4, (other_advisor.pk, False): 1, (None, False): 1}

    time_machine.move_to(at("12:15"), tick=False)
    assert callbacks_tick()["escalated"] == 5  # an hour after their windows: all but the 12:30 one
    assert_tally_is_right()
    assert _groups(tally.callbacks_summed())[advisor.pk, True] == 3

    callback_reschedule(callback=mine[0], by=advisor, due_at=at("12:45"), window_minutes=15)  # not escalated
    callback_finish(callback=mine[1], by=advisor, status=CallbackStatus.DONE)
    callback_finish(callback=theirs, by=other_advisor, status=CallbackStatus.NOT_REACHED)
    plan(other_advisor, "10:00", assigned_to=other_advisor, case=theirs.case, day=MONDAY + timedelta(days=1))
    callback_finish(callback=team_queue, by=team_lead, status=CallbackStatus.CANCELLED)
    assert_tally_is_right()

    closing = mine[2].case
    case_close(case=closing, expected_version=closing.version, by=advisor, reason=CloseReason.ANSWERED)
    assert Callback.objects.get(pk=mine[2].pk).status == CallbackStatus.CANCELLED
    Callback.objects.filter(pk=mine[3].pk).delete()
    assert_tally_is_right()
    assert _groups(tally.callbacks_summed()) == {(advisor.pk, False): 1, (other_advisor.pk, False): 1}


def test_a_reminder_writes_no_tally_row(time_machine, advisor):
    time_machine.move_to(at("08:00"), tick=False)
    for due in ("10:00", "10:15", "10:30"):
        plan(advisor, due, assigned_to=advisor)
    rows_before = CallbackTally.objects.count()

    time_machine.move_to(at("10:25"), tick=False)
    assert callbacks_tick() == {"reminded": 3, "escalated": 0}

    assert CallbackTally.objects.count() == rows_before
    assert_tally_is_right()


def test_folding_keeps_every_count_and_leaves_one_row_per_group(time_machine, advisor, other_advisor):
    time_machine.move_to(at("08:00"), tick=False)
    planned = [plan(advisor, f"{10 + n // 4}:{n % 4 * 15:02d}", assigned_to=advisor) for n in range(8)]
    plan(other_advisor, "10:00", assigned_to=other_advisor)
    for callback in planned[:3]:
        callback_finish(callback=callback, by=advisor, status=CallbackStatus.DONE)
    rows_before, groups = CallbackTally.objects.count(), _groups(tally.callbacks_summed())

    tally.compact()

    assert rows_before > CallbackTally.objects.count() == len(groups) == 2
    assert _groups(tally.callbacks_summed()) == groups == {(advisor.pk, False): 5, (other_advisor.pk, False): 1}
    assert_tally_is_right()


def test_a_call_back_moved_to_another_day_stays_counted_once(time_machine, advisor):
    time_machine.move_to(at("08:00"), tick=False)
    callback = plan(advisor, "10:00", assigned_to=advisor)
    for day in range(1, 4):
        moved = at("10:00", MONDAY + timedelta(days=day))
        callback = callback_reschedule(callback=callback, by=advisor, due_at=moved, window_minutes=15)
    assert CallbackTally.objects.count() == 1  # moving keeps it open, with the same assignee
    assert _groups(tally.callbacks_summed()) == {(advisor.pk, False): 1}
