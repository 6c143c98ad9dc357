"""Call-back reminders in-process: on the wall clock across both daylight-saving changes
of 2026 (time travel with time-machine), again after a reschedule, never for a finished
call-back, overdue escalation once per team lead, and concurrent ticks on PostgreSQL
sharing the due rows through SKIP LOCKED.

A "tick" here is a call of caseflow.tasks.callbacks_tick, the very function the beat
sends to the worker every CALLBACK_TICK_SECONDS.
"""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from caseflow.accounts import roles
from caseflow.callbacks import office_hours
from caseflow.callbacks.models import Callback, CallbackStatus
from caseflow.callbacks.reminders import callbacks_escalate_overdue, callbacks_remind_due, notifications_email_pending
from caseflow.callbacks.services import callback_finish, callback_reschedule, callback_schedule
from caseflow.callbacks.tasks import callbacks_tick
from caseflow.cases.models import CloseReason
from caseflow.cases.services import case_close
from caseflow.lib.history import bulk_create_tracked
from caseflow.notifications.models import Notification, NotificationKind
from tests.factories import UserFactory, callback_planned, case_with_call

NOTHING = {"reminded": 0, "escalated": 0}
REMINDED_ONE = {"reminded": 1, "escalated": 0}


@pytest.fixture(autouse=True)
def _the_documented_defaults(settings):
    """The times below assume these (the defaults), whatever the environment says."""
    settings.CALLBACK_REMINDER_LEAD_MINUTES = 10
    settings.CALLBACK_OVERDUE_MINUTES = 60
    settings.CALLBACK_REMINDER_EMAIL = False


AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def at(day: date, hhmm: str) -> datetime:
    """`day` at `hhmm` on the helpline's wall clock, aware (worked out here, not by the code under test)."""
    return datetime.combine(day, time.fromisoformat(hhmm), tzinfo=AMSTERDAM)


def tick(time_machine, moment: datetime) -> dict:
    """The beat's tick, run at `moment`."""
    time_machine.move_to(moment, tick=False)
    return callbacks_tick()


def plan(advisor, due_at: datetime, *, case=None, team_queue: bool = False) -> Callback:
    """A call-back planned by `advisor` for themselves (or the team queue), 15 minutes long."""
    return callback_planned(advisor, due_at, assigned_to=None if team_queue else advisor, case=case)


def stored_due_at_utc(callback: Callback) -> datetime:
    """The due time as the database row holds it, read in SQL, as a naive UTC time."""
    table = Callback._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT due_at AT TIME ZONE 'UTC' FROM {table} WHERE id = %s", [callback.pk])
        else:  # SQLite keeps a UTC text without offset
            cursor.execute(f"SELECT due_at FROM {table} WHERE id = %s", [callback.pk])
        [(value,)] = cursor.fetchall()
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def reminders(callback: Callback) -> list[Notification]:
    return list(Notification.objects.filter(callback=callback, kind=NotificationKind.REMINDER).order_by("id"))


# --- Daylight saving ------------------------------------------------------------------------

# (the call-back's day, the day it is planned, its due time in UTC, the zone's name that day)
DST_DAYS = [
    pytest.param(date(2026, 3, 27), date(2026, 3, 26), "09:30", "CET", id="friday-before-summer-time"),
    pytest.param(date(2026, 3, 30), date(2026, 3, 26), "08:30", "CEST", id="monday-after-summer-time"),
    pytest.param(date(2026, 10, 23), date(2026, 10, 22), "08:30", "CEST", id="friday-before-winter-time"),
    pytest.param(date(2026, 10, 26), date(2026, 10, 22), "09:30", "CET", id="monday-after-winter-time"),
]


def test_the_2026_changes_fall_between_the_planning_and_the_monday():
    assert settings.TIME_ZONE == "Europe/Amsterdam"
    for sunday in (date(2026, 3, 29), date(2026, 10, 25)):
        assert sunday.weekday() == 6
        assert at(sunday, "01:00").utcoffset() != at(sunday, "12:00").utcoffset()
    assert at(date(2026, 3, 26), "11:00").utcoffset() == timedelta(hours=1)  # planned in winter time ...
    assert at(date(2026, 3, 30), "10:30").utcoffset() == timedelta(hours=2)  # ... for a day in summer time
    assert at(date(2026, 10, 22), "11:00").utcoffset() == timedelta(hours=2)
    assert at(date(2026, 10, 26), "10:30").utcoffset() == timedelta(hours=1)


@pytest.mark.parametrize(("day", "planned_on", "due_utc", "zone_name"), DST_DAYS)
def test_a_callback_at_1030_is_reminded_at_1020_local_once_across_daylight_saving(
    time_machine, advisor, day, planned_on, due_utc, zone_name
):
    # Planned on the Thursday before, at 11:00, through the slots the planning screen offers.
    time_machine.move_to(at(planned_on, "11:00"), tick=False)
    offered = office_hours.slots(after=timezone.now(), days=3)
    [slot] = [s for s in offered if timezone.localtime(s) == at(day, "10:30")]
    callback = plan(advisor, slot)

    # Stored in UTC: 08:30 in summer time, 09:30 in winter time; shown at 10:30 on the wall clock.
    expected_utc = datetime.combine(day, time.fromisoformat(due_utc))
    assert stored_due_at_utc(callback) == expected_utc
    callback.refresh_from_db()
    assert callback.due_at == expected_utc.replace(tzinfo=UTC)
    local = timezone.localtime(callback.due_at)
    assert (local.date(), local.time(), local.tzname()) == (day, time(10, 30), zone_name)

    # An hour early (a wrong offset would show here) and a minute early: nothing.
    assert tick(time_machine, at(day, "09:20")) == NOTHING
    assert tick(time_machine, at(day, "10:19")) == NOTHING
    assert reminders(callback) == []

    # At 10:20 on the wall clock, ten minutes before: the reminder.
    assert tick(time_machine, at(day, "10:20")) == REMINDED_ONE
    for later in ("10:21", "10:30", "11:00"):
        assert tick(time_machine, at(day, later)) == NOTHING, later

    [reminder] = reminders(callback)
    callback.refresh_from_db()
    assert callback.status == CallbackStatus.REMINDED
    assert reminder.recipient == advisor
    assert timezone.localtime(reminder.created_at).time() == time(10, 20)
    assert timezone.localtime(callback.reminded_at) == at(day, "10:20")
    assert reminder.key == f"callback:{callback.pk}:reminder:{day:%Y%m%d}T{due_utc.replace(':', '')}:move0"
    assert Notification.objects.count() == 1


# --- Rescheduling and finishing -----------------------------------------------------------

TUESDAY = date(2026, 6, 9)  # an ordinary working day


def test_a_rescheduled_callback_is_reminded_again_at_its_new_time_and_only_then(time_machine, advisor):
    time_machine.move_to(at(TUESDAY - timedelta(days=1), "15:00"), tick=False)
    moved_after_reminder = plan(advisor, at(TUESDAY, "10:30"))
    moved_before_reminder = plan(advisor, at(TUESDAY, "10:45"))

    assert tick(time_machine, at(TUESDAY, "10:20")) == REMINDED_ONE
    assert len(reminders(moved_after_reminder)) == 1

    # At 10:25 the advisor moves both: the reminded one to 11:30, the other one to 12:00.
    time_machine.move_to(at(TUESDAY, "10:25"), tick=False)
    callback_reschedule(callback=moved_after_reminder, by=advisor, due_at=at(TUESDAY, "11:30"),
                        window_minutes=15)  # fmt: skip
    callback_reschedule(callback=moved_before_reminder, by=advisor, due_at=at(TUESDAY, "12:00"),
                        window_minutes=15)  # fmt: skip
    moved_after_reminder.refresh_from_db()
    assert (moved_after_reminder.status, moved_after_reminder.reminded_at) == (CallbackStatus.PLANNED, None)

    for moment in ("10:26", "10:35", "11:19"):  # 10:35 was the old reminder time of the second one
        assert tick(time_machine, at(TUESDAY, moment)) == NOTHING, moment
    assert tick(time_machine, at(TUESDAY, "11:20")) == REMINDED_ONE
    assert tick(time_machine, at(TUESDAY, "11:21")) == NOTHING
    assert tick(time_machine, at(TUESDAY, "11:50")) == REMINDED_ONE
    assert tick(time_machine, at(TUESDAY, "12:30")) == NOTHING

    first, again = reminders(moved_after_reminder)
    assert first.key != again.key
    assert [timezone.localtime(n.created_at).time() for n in (first, again)] == [time(10, 20), time(11, 20)]
    assert again.key.endswith(":reminder:20260609T0930:move1")  # 11:30 local in summer time
    [only] = reminders(moved_before_reminder)
    assert timezone.localtime(only.created_at).time() == time(11, 50)
    assert only.key.endswith(":reminder:20260609T1000:move1")
    assert Notification.objects.count() == 3


def test_a_callback_moved_away_and_back_to_its_first_time_is_reminded_again(time_machine, advisor, team_lead):
    time_machine.move_to(at(TUESDAY - timedelta(days=1), "15:00"), tick=False)
    callback = plan(advisor, at(TUESDAY, "10:30"))
    assert tick(time_machine, at(TUESDAY, "10:20")) == REMINDED_ONE

    # The parent asks for later; a minute after, the advisor moves it back: a new plan, worth a new reminder.
    for moment, back_to in (("10:21", "11:30"), ("10:22", "10:30")):
        time_machine.move_to(at(TUESDAY, moment), tick=False)
        callback_reschedule(callback=callback, by=advisor, due_at=at(TUESDAY, back_to), window_minutes=15)
    assert tick(time_machine, at(TUESDAY, "10:23")) == REMINDED_ONE
    assert tick(time_machine, at(TUESDAY, "10:24")) == NOTHING

    first, again = reminders(callback)
    assert first.key != again.key
    assert [timezone.localtime(n.created_at).time() for n in (first, again)] == [time(10, 20), time(10, 23)]
    # Overdue: escalated once for this plan as well (its key changed with the moves too).
    late = at(TUESDAY, "10:45") + timedelta(minutes=settings.CALLBACK_OVERDUE_MINUTES)
    assert tick(time_machine, late) == {"reminded": 0, "escalated": 1}
    assert tick(time_machine, late + timedelta(minutes=1)) == NOTHING


def test_saving_a_callback_again_at_its_own_time_is_no_move_and_never_reminds_twice(time_machine, advisor):
    time_machine.move_to(at(TUESDAY - timedelta(days=1), "15:00"), tick=False)
    callback = plan(advisor, at(TUESDAY, "10:30"))
    assert tick(time_machine, at(TUESDAY, "10:20")) == REMINDED_ONE

    time_machine.move_to(at(TUESDAY, "10:22"), tick=False)  # the move form saved without choosing another time
    callback_reschedule(callback=callback, by=advisor, due_at=at(TUESDAY, "10:30"), window_minutes=15)
    callback.refresh_from_db()
    assert (callback.status, callback.moves) == (CallbackStatus.REMINDED, 0)
    assert timezone.localtime(callback.reminded_at) == at(TUESDAY, "10:20")
    for moment in ("10:23", "10:30", "10:45"):
        assert tick(time_machine, at(TUESDAY, moment)) == NOTHING, moment
    assert len(reminders(callback)) == 1


def test_a_done_cancelled_not_reached_or_closed_callback_is_never_reminded_nor_escalated(
    time_machine, advisor, team_lead
):
    time_machine.move_to(at(TUESDAY - timedelta(days=1), "15:00"), tick=False)
    finished = {  # two per slot is the advisor's capacity
        CallbackStatus.DONE: plan(advisor, at(TUESDAY, "10:30")),
        CallbackStatus.CANCELLED: plan(advisor, at(TUESDAY, "10:30")),
        CallbackStatus.NOT_REACHED: plan(advisor, at(TUESDAY, "10:45")),
    }
    closed_case = case_with_call(advisor)
    on_closed_case = plan(advisor, at(TUESDAY, "10:45"), case=closed_case)
    still_open = plan(advisor, at(TUESDAY, "11:00"))

    time_machine.move_to(at(TUESDAY, "09:00"), tick=False)
    for status, callback in finished.items():
        callback_finish(callback=callback, by=advisor, status=status, note="Geregeld")
    closed_case.refresh_from_db()
    case_close(case=closed_case, expected_version=closed_case.version, by=advisor,
               reason=CloseReason.ANSWERED)  # fmt: skip

    # Through the reminder times, the window ends and well past the overdue time.
    for moment in ("10:20", "10:30", "10:35", "10:50", "12:00", "13:00", "17:00"):
        tick(time_machine, at(TUESDAY, moment))
    for callback in [*finished.values(), on_closed_case]:
        assert not callback.notifications.exists(), callback.get_status_display()
    on_closed_case.refresh_from_db()
    assert on_closed_case.status == CallbackStatus.CANCELLED
    assert {n.callback_id for n in Notification.objects.all()} == {still_open.pk}  # the check has teeth


# --- Overdue escalation ---------------------------------------------------------------------


def test_an_overdue_callback_is_escalated_once_to_every_team_lead(time_machine, advisor, team_lead):
    other_lead = UserFactory(username="dirk", first_name="Dirk", role=roles.TEAM_LEAD)
    time_machine.move_to(at(TUESDAY - timedelta(days=1), "15:00"), tick=False)
    overdue = plan(advisor, at(TUESDAY, "10:30"))  # window until 10:45
    done_in_time = plan(advisor, at(TUESDAY, "10:30"))

    assert tick(time_machine, at(TUESDAY, "10:20")) == {"reminded": 2, "escalated": 0}
    time_machine.move_to(at(TUESDAY, "10:40"), tick=False)
    callback_finish(callback=done_in_time, by=advisor, status=CallbackStatus.DONE)

    late = at(TUESDAY, "10:45") + timedelta(minutes=settings.CALLBACK_OVERDUE_MINUTES)
    assert tick(time_machine, late - timedelta(minutes=1)) == NOTHING
    assert tick(time_machine, late) == {"reminded": 0, "escalated": 1}
    for later in (timedelta(minutes=1), timedelta(minutes=45), timedelta(days=1)):
        assert tick(time_machine, late + later) == NOTHING, later

    overdue.refresh_from_db()
    assert overdue.escalated_at == late
    assert overdue.status == CallbackStatus.REMINDED  # still open: the team lead follows it up
    escalations = Notification.objects.filter(kind=NotificationKind.OVERDUE)
    assert sorted(n.recipient.username for n in escalations) == sorted([team_lead.username, other_lead.username])
    assert {n.callback_id for n in escalations} == {overdue.pk}
    assert {n.key for n in escalations} == {f"callback:{overdue.pk}:overdue:20260609T0830:move0"}
    assert not done_in_time.notifications.filter(kind=NotificationKind.OVERDUE).exists()


def _deactivate(user) -> None:
    """As the administrator does when an advisor leaves: the account stays, signed in it cannot be."""
    user.is_active = False
    user.save(update_fields=["is_active"])


def test_a_deactivated_advisors_call_back_is_reminded_to_the_team_and_escalated_to_it_not_to_the_old_account(
    time_machine, advisor, other_advisor, team_lead
):
    time_machine.move_to(at(TUESDAY - timedelta(days=1), "15:00"), tick=False)
    left = plan(other_advisor, at(TUESDAY, "10:30"))
    stays = plan(advisor, at(TUESDAY, "10:30"))
    _deactivate(other_advisor)

    assert tick(time_machine, at(TUESDAY, "10:20")) == {"reminded": 2, "escalated": 0}
    assert [n.recipient for n in reminders(left)] == [team_lead]  # as for the team queue's call-backs
    assert [n.recipient for n in reminders(stays)] == [advisor]

    late = at(TUESDAY, "10:45") + timedelta(minutes=settings.CALLBACK_OVERDUE_MINUTES)
    assert tick(time_machine, late) == {"reminded": 0, "escalated": 2}
    assert not Notification.objects.filter(recipient=other_advisor).exists(), "nothing for an account nobody reads"
    assert set(left.notifications.values_list("recipient__username", "kind")) == {
        (team_lead.username, NotificationKind.REMINDER), (team_lead.username, NotificationKind.OVERDUE),
    }  # fmt: skip


def test_a_reminder_is_not_e_mailed_to_an_account_deactivated_before_the_mail_went_out(
    time_machine, advisor, other_advisor, mailoutbox
):
    time_machine.move_to(at(TUESDAY - timedelta(days=1), "15:00"), tick=False)
    plan(other_advisor, at(TUESDAY, "10:30"))
    plan(advisor, at(TUESDAY, "10:30"))
    assert tick(time_machine, at(TUESDAY, "10:20")) == {"reminded": 2, "escalated": 0}
    _deactivate(other_advisor)  # between the reminder and the e-mail task that follows it

    assert notifications_email_pending() == 1
    assert [message.to for message in mailoutbox] == [[advisor.email]]


def test_ticks_missed_while_the_beat_was_down_are_caught_up_by_the_next_one_once(time_machine, advisor, team_lead):
    time_machine.move_to(at(TUESDAY - timedelta(days=1), "15:00"), tick=False)
    mine = plan(advisor, at(TUESDAY, "10:30"))
    team_queue = plan(advisor, at(TUESDAY, "10:30"), team_queue=True)

    # No tick from 10:00 to 12:00; the first one after it sends the reminders late and escalates.
    assert tick(time_machine, at(TUESDAY, "12:00")) == {"reminded": 2, "escalated": 2}
    assert tick(time_machine, at(TUESDAY, "12:01")) == NOTHING

    assert [n.recipient for n in reminders(mine)] == [advisor]
    assert [n.recipient for n in reminders(team_queue)] == [team_lead]  # the team queue's reminder
    assert Notification.objects.filter(kind=NotificationKind.OVERDUE, recipient=team_lead).count() == 2


# --- Concurrent ticks on PostgreSQL ----------------------------------------------------------


def _due_rows(count: int, advisor, due_at: datetime) -> list[Callback]:
    case = case_with_call(advisor)
    rows = [
        Callback(case=case, assigned_to=advisor, planned_by=advisor, due_at=due_at,
                 window_ends_at=due_at + timedelta(minutes=15), subject=f"Terugbellen {n}")
        for n in range(count)
    ]  # fmt: skip
    return bulk_create_tracked(rows, Callback, default_user=advisor)


def _in_thread(results: list, index: int, start: threading.Barrier | None, **kwargs) -> None:
    try:
        if start is not None:
            start.wait(timeout=30)
        results[index] = callbacks_remind_due(**kwargs)
    except BaseException as error:  # noqa: BLE001  (reported by the test)
        results[index] = error
    finally:
        connection.close()  # this thread's own connection


def _exactly_one_reminder_each(total: int) -> None:
    per_callback = Notification.objects.filter(kind=NotificationKind.REMINDER).values("callback_id")
    counts = per_callback.annotate(n=Count("id")).values_list("n", flat=True)
    assert sorted(set(counts)) == [1]
    assert per_callback.count() == total
    assert Callback.objects.filter(status=CallbackStatus.REMINDED).count() == total
    history = (
        Callback.history.filter(history_change_reason__startswith="system: reminder sent")
        .values("id")
        .annotate(n=Count("history_id"))
    )
    assert {row["n"] for row in history} == {1}
    assert len(history) == total


@pytest.mark.postgres
def test_concurrent_ticks_share_the_due_callbacks_each_reminded_by_one(transactional_db, advisor):
    total, threads = 2_000, 4
    now = timezone.now()
    _due_rows(total, advisor, now)
    results: list = [None] * threads
    start = threading.Barrier(threads)
    running = [
        threading.Thread(target=_in_thread, args=(results, n, start), kwargs={"now": now, "batch_size": 50})
        for n in range(threads)
    ]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join(timeout=120)
    assert not any(isinstance(result, BaseException) for result in results), results
    assert sum(results) == total, f"each row claimed by exactly one tick: {results}"
    assert len([n for n in results if n]) >= 2, f"the ticks shared the work: {results}"
    _exactly_one_reminder_each(total)


@pytest.mark.postgres
def test_a_tick_skips_the_rows_another_tick_holds_instead_of_waiting_or_repeating_them(transactional_db, advisor):
    total = 300
    now = timezone.now()
    rows = _due_rows(total, advisor, now)
    held = sorted(row.pk for row in rows)[:100]  # the first rows in the claim's order
    results: list = [None]
    with transaction.atomic():  # another tick, mid-batch, holding its rows
        assert len(list(Callback.objects.select_for_update().filter(pk__in=held))) == 100
        other = threading.Thread(target=_in_thread, args=(results, 0, None), kwargs={"now": now, "batch_size": 50})
        other.start()
        other.join(timeout=60)
        finished_while_held = not other.is_alive()
    other.join(timeout=60)
    assert finished_while_held, "the tick waited for the locked rows instead of skipping them"
    assert results == [total - 100]
    assert set(Callback.objects.filter(status=CallbackStatus.PLANNED).values_list("pk", flat=True)) == set(held)

    # The next tick takes the rows once they are free.
    assert callbacks_remind_due(now=now, batch_size=50) == 100
    _exactly_one_reminder_each(total)


def test_without_a_team_lead_the_advisors_hear_of_a_team_call_back_and_of_an_overdue_one(advisor, other_advisor):
    case = case_with_call(advisor)
    due = office_hours.slots(after=timezone.now(), days=5)[0]
    callback = callback_schedule(case=case, by=advisor, assigned_to=None, due_at=due, window_minutes=15,
                                 subject="Terugbellen")  # fmt: skip

    callbacks_remind_due(now=due)
    callbacks_escalate_overdue(now=due + timedelta(hours=3))

    told = sorted(Notification.objects.filter(callback=callback).values_list("recipient__username", "kind"))
    assert told == [
        (advisor.username, NotificationKind.OVERDUE), (advisor.username, NotificationKind.REMINDER),
        (other_advisor.username, NotificationKind.OVERDUE), (other_advisor.username, NotificationKind.REMINDER),
    ]  # fmt: skip
