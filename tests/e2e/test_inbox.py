"""In a real browser: on Friday at 20:00, with the line closed, a parent fills in the public contact
form and is told when the helpline will call back. On Monday morning the advisor finds the message
in the inbox beside the case of the same phone number, and turns it into a call on that case and a
call-back in one step.

The clock is set (ticking) to Friday 15 January 2027, 20:00 in Amsterdam, then to Monday 18 January
10:05, so the test does not depend on today's date. The browser's own clock is not moved; nothing
on these pages reads it.
"""

import datetime as dt

import time_machine
from django.utils import timezone
from playwright.sync_api import Page, expect

from caseflow.accounts import roles
from caseflow.callbacks.models import Callback
from intake.models import Call, InboxMessage
from tests.factories import UserFactory, case_with_call
from tests.intake.inbox_support import FRIDAY_EVENING, MONDAY_MORNING


def test_a_parents_friday_evening_message_becomes_a_call_and_a_call_back_on_monday(
    page: Page, base_url, transactional_db, sign_in, requests_to_other_hosts
):
    with time_machine.travel(FRIDAY_EVENING, tick=True):
        anna = UserFactory(username="anna", first_name="Anna", last_name="de Boer", role=roles.ADVISOR)
        case = case_with_call(anna, caller_name="Fatima el Amrani", phone="+31612345678", child_name="Yara")

        # Friday evening: the parent, not signed in, on the public page.
        page.goto("/contact/")
        expect(page.get_by_role("heading", name="Stel je vraag")).to_be_visible()
        page.get_by_label("Je naam").fill("Fatima el Amrani")
        page.get_by_label("Je telefoonnummer").fill("06 12 34 56 78")
        page.get_by_label("Voornaam van je kind (niet verplicht)").fill("Yara")
        page.get_by_label("Soort school (niet verplicht)").select_option("po")
        page.get_by_label("Wat is je vraag?").fill("Yara mag na de kerstvakantie niet terug naar school. Wat nu?")
        page.get_by_role("button", name="Versturen").click()

        expect(page.get_by_role("heading", name="Bedankt, we hebben je bericht ontvangen")).to_be_visible()
        expect(page.get_by_test_id("contact-confirmation")).to_have_text(
            "We bellen je terug vanaf maandag 18 januari om 10:00."
        )
        message = InboxMessage.objects.get()
        assert (message.status, message.phone) == ("new", "+31612345678")

    # Monday, 10:05: the advisor works through the inbox.
    with time_machine.travel(MONDAY_MORNING, tick=True):
        sign_in(anna)
        page.goto("/")
        page.get_by_role("link", name="Inbox", exact=True).click()
        expect(page.get_by_role("heading", name="Inbox")).to_be_visible()
        card = page.get_by_test_id("inbox-message")
        expect(card).to_have_count(1)
        expect(card.get_by_role("heading", level=2)).to_have_text("Contactformulier, vrijdag 15 januari 20:00")
        expect(card.get_by_test_id("message-text")).to_contain_text("Yara mag na de kerstvakantie niet terug")
        expect(card.get_by_test_id("matching-cases")).to_contain_text(f"{case.reference} · Yara · Fatima el Amrani")
        expect(card.get_by_label(f"{case.reference}: Yara")).to_be_checked()

        card.get_by_role("button", name="Vastleggen als gesprek en terugbellen plannen").click()

        expect(page).to_have_url(f"{base_url}{case.get_absolute_url()}")
        expect(page.get_by_text(f"Het bericht is nu een gesprek op zaak {case.reference}. "
                                "Je belt terug op maandag 18 januari 10:15.")).to_be_visible()  # fmt: skip
        expect(page.get_by_test_id("case-callback").first).to_contain_text("10:15")

        page.goto("/inbox/")
        expect(page.get_by_test_id("inbox-empty")).to_be_visible()

    message.refresh_from_db()
    call = Call.objects.filter(case=case).order_by("-id").first()
    assert (call.channel, call.started_at, call.advisor) == ("web_form", message.received_at, anna)
    assert FRIDAY_EVENING <= message.received_at < FRIDAY_EVENING + dt.timedelta(minutes=5)
    assert call.notes == "Yara mag na de kerstvakantie niet terug naar school. Wat nu?"
    callback = Callback.objects.get(case=case)
    assert (callback.assigned_to, callback.phone) == (anna, "+31612345678")
    assert timezone.localtime(callback.due_at) == MONDAY_MORNING.replace(minute=15)
    assert callback.window_ends_at - callback.due_at == dt.timedelta(minutes=15)
    assert (message.status, message.case, message.call, message.picked_up_by) == ("handled", case, call, anna)
    assert requests_to_other_hosts == []
