"""In a real browser: an advisor plans a call-back on a case, the reminder appears in the
menu's badge without reloading the page (htmx polls it), the advisor opens it, marks the
call-back "not reached" and plans the second attempt, which points at the first.

The whole process runs on a clock set to Thursday 25 March 2027, 09:00 in Amsterdam
(ticking), so that the call-back falls today, inside the office hours, whenever the test runs.
The reminder is the beat task's work: the test runs it for the moment it is due.
"""

from datetime import datetime, timedelta

import time_machine
from django.utils import timezone
from playwright.sync_api import Page, expect

from caseflow.accounts import roles
from caseflow.callbacks.models import Callback, CallbackStatus
from caseflow.callbacks.reminders import callbacks_remind_due
from caseflow.notifications.models import Notification
from tests.factories import UserFactory, case_with_call

MORNING = datetime(2027, 3, 25, 9, 0, tzinfo=timezone.get_default_timezone())


def test_an_advisor_is_reminded_marks_not_reached_and_plans_the_second_attempt(
    page: Page, base_url, transactional_db, sign_in, requests_to_other_hosts, settings
):
    settings.NOTIFICATION_POLL_SECONDS = 1  # the badge asks every second instead of every 30
    with time_machine.travel(MORNING, tick=True):
        anna = UserFactory(username="anna", first_name="Anna", role=roles.ADVISOR)
        case = case_with_call(anna, caller_name="Els de Wit", phone="+31612345678")
        sign_in(anna)

        # Planning, from the case page.
        page.goto(case.get_absolute_url())
        page.get_by_test_id("plan-callback").click()
        expect(page.get_by_role("heading", name="Terugbellen plannen")).to_be_visible()
        expect(page.get_by_label("Terugbelnummer")).to_have_value("06 12345678")
        page.get_by_label("donderdag 25 maart 10:30", exact=True).check()
        page.get_by_label("Wat bespreken").fill("Uitslag gesprek met school")
        page.get_by_role("button", name="Terugbellen plannen").click()
        expect(page.get_by_text("Het terugbelverzoek is ingepland.")).to_be_visible()
        expect(page.get_by_test_id("case-callback")).to_contain_text("do 25 mrt 10:30")

        first = Callback.objects.get(case=case)
        assert (first.assigned_to, first.attempt, first.status) == (anna, 1, CallbackStatus.PLANNED)

        # Today's list, with no unread notifications yet.
        page.get_by_role("link", name="Terugbellen", exact=True).click()
        row = page.get_by_test_id("callback").filter(has_text=case.reference)
        expect(row).to_contain_text("10:30–10:45")
        expect(page.get_by_test_id("notification-count")).to_have_count(0)

        # Ten minutes before the call-back the beat task reminds; the badge shows it without a reload.
        lead = timedelta(minutes=settings.CALLBACK_REMINDER_LEAD_MINUTES)
        assert callbacks_remind_due(now=first.due_at - lead) == 1
        expect(page.get_by_test_id("notification-count")).to_have_text("1 ongelezen meldingen", timeout=10_000)

        # The advisor opens the reminder: it is read, and today's list shows the call-back.
        page.get_by_test_id("notification-badge").click()
        page.get_by_role("link", name=f"Herinnering terugbellen: {case.reference}").click()
        expect(page).to_have_url(f"{base_url}/terugbellen/")
        expect(page.get_by_test_id("notification-count")).to_have_count(0)
        expect(row).to_contain_text("Herinnerd")
        assert Notification.objects.get(recipient=anna).read_at is not None

        # Nobody answers: "not reached" leads straight to planning attempt 2.
        row.get_by_label("Notitie").fill("Voicemail ingesproken")
        row.get_by_role("button", name="Niet bereikt").click()
        expect(page.get_by_text("Niet bereikt. Plan poging 2.")).to_be_visible()
        expect(page.get_by_role("heading", name="Poging 2 van 3 plannen")).to_be_visible()
        expect(page.get_by_text("De ouder is op donderdag 25 maart 10:30 niet bereikt.")).to_be_visible()
        expect(page.get_by_label("Wat bespreken")).to_have_value("Uitslag gesprek met school")
        page.get_by_label("donderdag 25 maart 12:00", exact=True).check()
        page.get_by_role("button", name="Terugbellen plannen").click()
        expect(page.get_by_text("Het terugbelverzoek is ingepland.")).to_be_visible()
        expect(page.get_by_test_id("case-callback").first).to_contain_text("poging 2")

    first.refresh_from_db()
    assert (first.status, first.outcome_note, first.finished_by) == (CallbackStatus.NOT_REACHED,
                                                                     "Voicemail ingesproken", anna)  # fmt: skip
    second = Callback.objects.get(previous=first)
    assert (second.attempt, second.case, second.assigned_to) == (2, case, anna)
    assert timezone.localtime(second.due_at).strftime("%Y-%m-%d %H:%M") == "2027-03-25 12:00"
    assert second.subject == "Uitslag gesprek met school" and second.phone == "+31612345678"
    assert requests_to_other_hosts == []
