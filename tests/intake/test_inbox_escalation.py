"""A message nobody picked up by the next opening of the line plus an hour goes to the team leads,
once; and messages follow retention like cases."""

import datetime as dt

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from caseflow.audit.retention import case_erase, retention_run
from caseflow.celery import app
from caseflow.notifications.models import Notification
from intake.inbox import services
from intake.inbox.tasks import inbox_escalate
from intake.models import ContactFormSends, InboxMessage
from tests.factories import case_with_call
from tests.intake.inbox_support import AMSTERDAM, FRIDAY_EVENING, MONDAY_OPENING, form_message, voicemail_message

ESCALATION_DUE = MONDAY_OPENING + dt.timedelta(hours=1)

pytestmark = pytest.mark.django_db


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=AMSTERDAM)


# --- When the line opens next -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "opens"),
    [
        (local(2027, 1, 15, 20, 0), local(2027, 1, 18, 10, 0)),  # Friday evening: Monday
        (local(2027, 1, 18, 8, 0), local(2027, 1, 18, 10, 0)),  # Monday before opening: that morning
        (local(2027, 1, 18, 10, 30), local(2027, 1, 19, 10, 0)),  # while open: the next working day
        (local(2027, 4, 26, 20, 0), local(2027, 4, 28, 10, 0)),  # the evening before King's Day
        (local(2027, 10, 29, 20, 0), local(2027, 11, 1, 10, 0)),  # across the change to winter time
    ],
    ids=["friday evening", "early monday", "during the hours", "before a public holiday", "winter time"],
)
def test_the_line_opens_next_on_the_next_working_day_at_opening_time(received, opens):
    assert services.opening_after(received) == opens
    assert services.escalate_at_for(received) == opens + dt.timedelta(hours=1)


# --- Escalation -------------------------------------------------------------------------------


def test_a_message_not_picked_up_by_monday_11_goes_to_the_team_leads_once(team_lead, advisor):
    message = form_message(FRIDAY_EVENING)

    assert services.inbox_escalate_overdue(now=ESCALATION_DUE - dt.timedelta(minutes=1)) == 0
    assert services.inbox_escalate_overdue(now=ESCALATION_DUE) == 1
    assert services.inbox_escalate_overdue(now=ESCALATION_DUE + dt.timedelta(minutes=1)) == 0

    notification = Notification.objects.get()
    assert (notification.recipient, notification.kind, notification.case) == (team_lead, "inbox_waiting", None)
    message.refresh_from_db()
    assert message.escalated_at == ESCALATION_DUE
    assert message.history.first().history_change_reason == "system: escalated to the team leads"


def test_a_message_picked_up_or_handled_in_time_is_not_escalated(team_lead, advisor):
    picked_up = form_message(FRIDAY_EVENING)
    handled = voicemail_message(FRIDAY_EVENING)
    case = case_with_call(advisor, phone="+31648123456")
    with time_machine.travel(MONDAY_OPENING + dt.timedelta(minutes=5), tick=False):
        services.inbox_pick_up(message=picked_up, by=advisor)
        services.inbox_message_to_call(message=handled, by=advisor, case=case, notes="")

    assert services.inbox_escalate_overdue(now=ESCALATION_DUE) == 0
    assert Notification.objects.filter(kind="inbox_waiting").count() == 0


def test_escalating_twice_at_once_or_after_the_flag_was_lost_notifies_once(team_lead):
    """The once-only key: even a message escalated again (its flag lost) notifies nobody twice."""
    message = form_message(FRIDAY_EVENING)
    services.inbox_escalate_overdue(now=ESCALATION_DUE)
    message.refresh_from_db()
    message.escalated_at = None
    message.save()

    services.inbox_escalate_overdue(now=ESCALATION_DUE + dt.timedelta(minutes=5))

    assert Notification.objects.filter(recipient=team_lead, kind="inbox_waiting").count() == 1


def test_without_a_team_lead_the_advisors_hear_of_it(advisor, other_advisor):
    form_message(FRIDAY_EVENING)

    services.inbox_escalate_overdue(now=ESCALATION_DUE)

    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {"anna", "bram"}


def test_the_team_leads_notification_opens_the_inbox(team_lead, team_lead_client):
    form_message(FRIDAY_EVENING)
    services.inbox_escalate_overdue(now=ESCALATION_DUE)
    notification = Notification.objects.get()

    listed = team_lead_client.get(reverse("notifications")).content.decode()
    opened = team_lead_client.get(reverse("notification_open", args=[notification.pk]))

    assert "Bericht in de inbox wacht" in listed
    assert opened["Location"] == reverse("inbox:inbox")


def test_the_beat_runs_the_escalation_every_minute_through_a_thin_task(team_lead):
    entry = settings.CELERY_BEAT_SCHEDULE["inbox-escalate"]
    assert entry == {"task": "intake.inbox.tasks.inbox_escalate", "schedule": 60}
    assert entry["task"] in app.tasks  # the worker knows it
    form_message(FRIDAY_EVENING)

    with time_machine.travel(ESCALATION_DUE, tick=False):
        assert inbox_escalate.delay().get() == 1


# --- Retention ---------------------------------------------------------------------------------


def _after_retention(moment: dt.datetime) -> dt.datetime:
    return moment + relativedelta(months=settings.RETENTION_CLOSED_MONTHS) + dt.timedelta(days=1)


def test_a_message_that_never_became_a_case_is_erased_with_its_history_after_the_retention_period(team_lead):
    old = form_message(FRIDAY_EVENING)
    services.inbox_escalate_overdue(now=ESCALATION_DUE)  # a second history row
    recent = form_message(FRIDAY_EVENING + relativedelta(months=6), phone="06-48123456")

    with time_machine.travel(_after_retention(FRIDAY_EVENING), tick=False):
        run = retention_run()

    assert list(InboxMessage.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not InboxMessage.history.filter(id=old.pk).exists()
    assert run.swept >= 1


def test_a_message_that_became_a_call_is_anonymised_with_its_case(advisor, team_lead):
    case = case_with_call(advisor, phone="+31612345678")
    message = voicemail_message(FRIDAY_EVENING)
    with time_machine.travel(MONDAY_OPENING, tick=False):
        services.inbox_message_to_call(message=message, by=advisor, case=case, notes="Terugbellen")

    case_erase(case=case, by=team_lead, reason="Verzoek van de ouder")

    message.refresh_from_db()
    assert (message.phone, message.caller_number, message.recording_ref, message.transcript) == ("", "", "", "")
    assert (message.provider, message.channel, message.status) == ("belco", "voicemail", "handled")  # kept
    for row in message.history.all():
        assert (row.phone, row.caller_number, row.recording_ref, row.transcript) == ("", "", "", "")


def test_the_rate_limit_counters_go_after_a_day(team_lead):
    form_message(FRIDAY_EVENING)
    assert ContactFormSends.objects.count() == 1

    with time_machine.travel(FRIDAY_EVENING + dt.timedelta(days=2), tick=False):
        retention_run()

    assert ContactFormSends.objects.count() == 0


# --- Configuration -------------------------------------------------------------------------------


def test_voicemail_tokens_are_read_per_provider_and_a_bad_entry_stops_the_start():
    from caseflow.settings import _voicemail_tokens

    assert _voicemail_tokens(["belco:" + "t" * 32, "other-telco:" + "o" * 40]) == {
        "belco": "t" * 32, "other-telco": "o" * 40
    }  # fmt: skip
    for bad in ["belco", "belco:short-token", "Bel Co:" + "t" * 32]:
        with pytest.raises(ImproperlyConfigured) as refused:
            _voicemail_tokens([bad])
        assert "short-token" not in str(refused.value)  # a token never ends up in a log
