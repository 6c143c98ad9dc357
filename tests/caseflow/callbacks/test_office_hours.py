"""When the helpline calls back: working days Monday to Friday, 10:00 to 13:00, in slots of
CALLBACK_SLOT_MINUTES, never on a Dutch public holiday (from the `holidays` library), never
in the past. Each refusal tells the advisor in Dutch what to choose instead.

The dates are fixed and chosen for what falls on them: King's Day 2027 is a Tuesday,
Christmas 2028 a Monday and Tuesday, and Easter 2027 (Good Friday 26 March, Easter Monday
29 March) straddles the start of summer time on Sunday 28 March.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from caseflow.callbacks import office_hours
from caseflow.callbacks.forms import CallbackTimeForm

AMSTERDAM = timezone.get_default_timezone()
KINGS_DAY = date(2027, 4, 27)  # a Tuesday
CHRISTMAS = (date(2028, 12, 25), date(2028, 12, 26))  # a Monday and a Tuesday


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=AMSTERDAM)


# A Monday morning well before all the times below.
EARLIER = local(2027, 3, 1, 8, 0)


def refusal(starts: datetime, *, minutes: int = 15, now: datetime = EARLIER) -> ValidationError:
    with translation.override("nl"), pytest.raises(ValidationError) as refused:
        office_hours.validate_callback_time(starts, starts + timedelta(minutes=minutes), now=now)
    return refused.value


# --- The calendar the rules stand on ------------------------------------------------------------


def test_the_holidays_library_knows_the_dutch_public_holidays_on_the_weekdays_used_here():
    assert KINGS_DAY.weekday() == 1 and office_hours.public_holiday(KINGS_DAY) == "Koningsdag"
    assert [day.weekday() for day in CHRISTMAS] == [0, 1]
    assert [office_hours.public_holiday(day) for day in CHRISTMAS] == ["Eerste kerstdag", "Tweede kerstdag"]
    assert office_hours.public_holiday(date(2027, 3, 29)) == "Tweede paasdag"
    assert office_hours.public_holiday(date(2027, 4, 28)) is None
    # King's Day on a Sunday moves to the Saturday before.
    assert office_hours.public_holiday(date(2025, 4, 26)) == "Koningsdag"


def test_the_day_has_twelve_quarter_hour_slots_from_10_to_12_45():
    times = office_hours.slot_times()
    assert times[0] == time(10, 0) and times[-1] == time(12, 45)
    assert len(times) == 12
    minutes = [at.hour * 60 + at.minute for at in times]
    assert {later - earlier for earlier, later in zip(minutes, minutes[1:], strict=False)} == {15}


def test_the_slot_length_comes_from_the_settings(settings):
    settings.CALLBACK_SLOT_MINUTES = 30
    assert office_hours.slot_times() == [time(hour, minute) for hour in (10, 11, 12) for minute in (0, 30)]
    assert refusal(local(2027, 3, 3, 10, 15)).code == "not_a_slot"
    office_hours.validate_callback_time(local(2027, 3, 3, 10, 30), local(2027, 3, 3, 11, 0), now=EARLIER)


# --- Refusals -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("starts", "minutes", "code", "message"),
    [
        (local(2027, 3, 6, 10, 0), 15, "closed_day",
         "zaterdag 6 maart is geen werkdag van de advieslijn. Kies een andere dag."),
        (local(2027, 3, 7, 11, 0), 15, "closed_day",
         "zondag 7 maart is geen werkdag van de advieslijn. Kies een andere dag."),
        (local(2027, 3, 3, 19, 0), 15, "outside_hours",
         "De advieslijn belt terug tussen 10:00 en 13:00. Kies een tijd daartussen."),
        (local(2027, 3, 3, 9, 45), 15, "outside_hours",
         "De advieslijn belt terug tussen 10:00 en 13:00. Kies een tijd daartussen."),
        (local(2027, 3, 3, 13, 0), 15, "outside_hours",
         "De advieslijn belt terug tussen 10:00 en 13:00. Kies een tijd daartussen."),
        # The last slot, but a window of an hour would end after closing time.
        (local(2027, 3, 3, 12, 45), 60, "outside_hours",
         "De advieslijn belt terug tussen 10:00 en 13:00. Kies een tijd daartussen."),
        (local(2027, 3, 3, 10, 7), 15, "not_a_slot", "Kies een van de aangeboden tijden."),
        (datetime.combine(KINGS_DAY, time(10, 30), AMSTERDAM), 15, "holiday",
         "dinsdag 27 april is een feestdag (Koningsdag). Kies een andere dag."),
        (datetime.combine(CHRISTMAS[0], time(10, 0), AMSTERDAM), 15, "holiday",
         "maandag 25 december is een feestdag (Eerste kerstdag). Kies een andere dag."),
        (datetime.combine(CHRISTMAS[1], time(11, 0), AMSTERDAM), 15, "holiday",
         "dinsdag 26 december is een feestdag (Tweede kerstdag). Kies een andere dag."),
        (local(2027, 3, 26, 10, 0), 15, "holiday",
         "vrijdag 26 maart is een feestdag (Goede vrijdag). Kies een andere dag."),
    ],
    ids=["saturday", "sunday", "evening", "before opening", "at closing", "window past closing", "off the grid",
         "kings day", "christmas day", "boxing day", "good friday"],
)  # fmt: skip
def test_a_call_back_outside_the_office_hours_is_refused_in_dutch(starts, minutes, code, message):
    refused = refusal(starts, minutes=minutes)
    assert refused.code == code
    assert refused.messages == [message]


def test_a_slot_in_the_past_is_refused_even_when_it_is_a_good_slot():
    now = local(2027, 3, 3, 10, 20)
    for starts in (local(2027, 3, 3, 10, 15), local(2027, 3, 3, 10, 20), local(2027, 3, 2, 11, 0)):
        refused = refusal(starts, now=now)
        assert refused.code == "past"
        assert refused.messages == ["Deze tijd is al voorbij. Kies een tijd vanaf nu."]
    office_hours.validate_callback_time(local(2027, 3, 3, 10, 30), local(2027, 3, 3, 10, 45), now=now)


def test_without_an_explicit_now_the_clock_decides_what_has_passed():
    with time_machine.travel(local(2027, 3, 3, 10, 5), tick=False):
        with pytest.raises(ValidationError) as refused:
            office_hours.validate_callback_time(local(2027, 3, 3, 10, 0), local(2027, 3, 3, 10, 15))
        assert refused.value.code == "past"
        office_hours.validate_callback_time(local(2027, 3, 3, 10, 15), local(2027, 3, 3, 10, 30))


@pytest.mark.parametrize(
    ("starts", "minutes"),
    [
        (local(2027, 3, 3, 10, 0), 15),  # the first slot of a Wednesday
        (local(2027, 3, 3, 12, 45), 15),  # the last one, ending at closing time
        (local(2027, 3, 3, 12, 0), 60),  # a window of an hour that ends at closing time
        (local(2027, 3, 30, 10, 30), 30),  # the first working day of summer time
        (datetime.combine(KINGS_DAY + timedelta(days=1), time(11, 15), AMSTERDAM), 15),
        (datetime.combine(date(2028, 12, 27), time(10, 0), AMSTERDAM), 15),  # after Christmas
    ],
    ids=["first slot", "last slot", "hour window", "summer time", "day after kings day", "after christmas"],
)
def test_a_slot_inside_the_office_hours_is_accepted(starts, minutes):
    office_hours.validate_callback_time(starts, starts + timedelta(minutes=minutes), now=EARLIER)


def test_a_slot_stays_at_its_wall_clock_time_across_the_change_to_summer_time():
    winter = office_hours.local_datetime(date(2027, 3, 25), time(10, 30))
    summer = office_hours.local_datetime(date(2027, 3, 30), time(10, 30))
    assert winter.astimezone(UTC).time() == time(9, 30)
    assert summer.astimezone(UTC).time() == time(8, 30)
    # The same instant written in UTC is judged by the helpline's wall clock.
    office_hours.validate_callback_time(datetime(2027, 3, 30, 8, 0, tzinfo=UTC),
                                        datetime(2027, 3, 30, 8, 15, tzinfo=UTC), now=EARLIER)  # fmt: skip
    assert refusal(datetime(2027, 3, 30, 7, 45, tzinfo=UTC)).code == "outside_hours"  # 09:45 there


def test_other_office_days_come_from_the_settings(settings):
    settings.OFFICE_DAYS = (0, 1, 2, 3, 4, 5)
    office_hours.validate_callback_time(local(2027, 3, 6, 10, 0), local(2027, 3, 6, 10, 15), now=EARLIER)
    assert refusal(local(2027, 3, 7, 10, 0)).code == "closed_day"


# --- The offered slots -----------------------------------------------------------------------


def _days(slots: list[datetime]) -> list[date]:
    return sorted({timezone.localtime(slot).date() for slot in slots})


def test_slots_start_after_the_given_moment_and_skip_weekends_and_kings_day():
    after = local(2027, 4, 23, 12, 20)  # the Friday before King's Day
    slots = office_hours.slots(after=after, days=3)
    assert timezone.localtime(slots[0]) == local(2027, 4, 23, 12, 30)
    assert all(slot > after for slot in slots)
    # Friday (what is left of it), Monday, then Wednesday: not the weekend, not King's Day.
    assert _days(slots) == [date(2027, 4, 23), date(2027, 4, 26), date(2027, 4, 28)]
    assert len(slots) == 2 + 12 + 12
    assert slots == sorted(slots)
    for slot in slots:
        office_hours.validate_callback_time(slot, slot + timedelta(minutes=15), now=after)


def test_after_closing_time_the_slots_begin_on_the_next_working_day():
    slots = office_hours.slots(after=local(2028, 12, 22, 13, 0), days=1)  # Friday before Christmas
    assert timezone.localtime(slots[0]) == local(2028, 12, 27, 10, 0)
    assert _days(slots) == [date(2028, 12, 27)]


def test_the_slot_at_the_moment_given_is_not_offered_and_summer_time_is_kept():
    slots = office_hours.slots(after=local(2027, 3, 25, 12, 45), days=2)  # Thursday before Easter
    # 12:45 itself is not after 12:45; Good Friday and Easter Monday are skipped.
    assert _days(slots) == [date(2027, 3, 30), date(2027, 3, 31)]
    assert [timezone.localtime(slot).time() for slot in slots[:12]] == office_hours.slot_times()
    assert slots[0].astimezone(UTC) == datetime(2027, 3, 30, 8, 0, tzinfo=UTC)


# --- The form field the slot grid posts -------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [("", "Kies een tijd om terug te bellen."), ("morgen om tien", "Kies een van de aangeboden tijden."),
     ("2027-03-03 10:00", "Kies een van de aangeboden tijden.")],
    ids=["nothing chosen", "free text", "wrong format"],
)  # fmt: skip
def test_the_time_form_refuses_what_is_not_a_slot_of_the_grid(value, message):
    with translation.override("nl"):
        form = CallbackTimeForm({"slot": value, "window": "15"})
        assert not form.is_valid()
        assert form.errors["slot"] == [message]


def test_the_time_form_reads_a_slot_as_the_helplines_wall_clock():
    form = CallbackTimeForm({"slot": "2027-03-30T10:30", "window": "30"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["slot"] == datetime(2027, 3, 30, 8, 30, tzinfo=UTC)
    assert form.cleaned_data["window"] == 30
