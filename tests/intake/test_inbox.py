"""The advisors' inbox: oldest first, each message with the cases of its phone number or e-mail,
and one step that makes it a call on a case (existing or new) with a call-back in the advisor's
first free slot. A colleague who comes second is told who was first, and nothing is doubled."""

import datetime as dt
import logging
import re

import pytest
import time_machine
from django.urls import reverse

from caseflow.audit.models import AccessLog
from caseflow.callbacks.models import Callback, CallbackStatus
from caseflow.cases.models import Case
from intake.inbox import services
from intake.models import Call, Caller, InboxMessage
from tests.factories import case_with_call
from tests.intake.inbox_support import FRIDAY_EVENING, MONDAY_MORNING, form_message, voicemail_message
from tests.intake.test_concurrency import at_once
from tests.querycount import assert_constant_queries, page_queries

INBOX = reverse("inbox:inbox")
TEN_FIFTEEN = dt.datetime(2027, 1, 18, 10, 15, tzinfo=MONDAY_MORNING.tzinfo)


@pytest.fixture(autouse=True)
def _monday_morning():
    """Advisors work the inbox on Monday at 10:05, whatever today is; the clock stands still."""
    with time_machine.travel(MONDAY_MORNING, tick=False):
        yield


def to_call(message, **changes) -> dict:
    """The message's form on the inbox page, filled in as an advisor sends it."""
    prefix = f"bericht-{message.pk}"
    data = {"target": "new", "reference": "", "caller_name": message.name, "child_first_name": message.child_first_name,
            "school_type": message.school_type, "notes": message.text, **changes}  # fmt: skip
    return {f"{prefix}-{name}": value for name, value in data.items()}


def chosen_target(html: str) -> str:
    """The value of the radio button of a message's form that is ticked when the page opens."""
    ticked = [tag for tag in re.findall(r"<input[^>]*-target[^>]*>", html) if " checked" in tag]
    assert len(ticked) == 1, ticked
    return re.search(r'value="([^"]*)"', ticked[0])[1]


def convert(client, message, **changes):
    return client.post(reverse("inbox:message_to_call", args=[message.pk]), to_call(message, **changes))


# --- The page ------------------------------------------------------------------------------


def test_the_inbox_shows_waiting_messages_oldest_first_with_the_cases_of_their_number(advisor_client, advisor):
    case = case_with_call(advisor, caller_name="Fatima el Amrani", phone="+31612345678", child_name="Yara")
    other = case_with_call(advisor, caller_name="Piet Jansen", phone="+31687654321", child_name="Daan")
    later = voicemail_message(FRIDAY_EVENING + dt.timedelta(hours=1), phone="+31687654321")
    earlier = form_message(FRIDAY_EVENING)

    page = advisor_client.get(INBOX).content.decode()

    assert page.index("Yara zit sinds de herfstvakantie thuis.") < page.index("Met de moeder van Daan")
    first, second = page.split('data-testid="inbox-message"')[1:3]
    assert case.reference in first and other.reference not in first
    assert other.reference in second and case.reference not in second
    assert "Contactformulier, vrijdag 15 januari 20:00" in first and "Voicemail, vrijdag 15 januari 21:00" in second
    assert "06 12345678" in first and "75 seconden" in second
    assert chosen_target(first) == case.reference and chosen_target(second) == other.reference
    assert {earlier.pk, later.pk} == set(InboxMessage.objects.values_list("pk", flat=True))


def test_a_case_is_found_by_the_e_mail_address_in_any_capitals(advisor_client, advisor):
    case = case_with_call(advisor, phone="+31611111111")
    caller = Caller.objects.get(case=case)  # another number than the message's, but this address
    caller.email = "FATIMA@example.NL"
    caller.save()
    form_message(phone="06-22222222", email="fatima@example.nl")

    page = advisor_client.get(INBOX).content.decode()

    assert case.reference in page.split('data-testid="matching-cases"')[1]


def test_a_message_of_an_unknown_number_offers_a_new_case(advisor_client):
    form_message(phone="06-48123456", email="")

    page = advisor_client.get(INBOX).content.decode()

    assert "Geen zaak heeft dit telefoonnummer of e-mailadres." in page
    assert chosen_target(page) == "new"


def test_handled_messages_leave_the_inbox(advisor_client, advisor):
    message = form_message()
    convert(advisor_client, message)

    page = advisor_client.get(INBOX).content.decode()

    assert "De inbox is leeg." in page
    assert 'data-testid="inbox-count">0<' in page


def test_reading_the_inbox_is_in_the_access_log(advisor_client, advisor):
    case = case_with_call(advisor, phone="+31612345678")
    form_message()
    before = AccessLog.objects.count()

    advisor_client.get(INBOX)

    rows = AccessLog.objects.order_by("id")[before:]
    assert {(row.case_id, row.action, row.what, row.user_id) for row in rows} == {
        (None, "view", "inbox", advisor.pk),
        (case.pk, "view", "inbox", advisor.pk),
    }


def test_who_may_open_the_inbox(client, advisor_client, team_lead_client, administrator_client, caplog):
    form_message()

    assert client.get(INBOX).status_code == 302  # to sign in
    assert advisor_client.get(INBOX).status_code == 200
    assert team_lead_client.get(INBOX).status_code == 200
    with caplog.at_level(logging.WARNING, logger="caseflow.security"):
        assert administrator_client.get(INBOX).status_code == 403  # manages accounts, reads no messages
    assert "forbidden user_id=" in caplog.text


def test_someone_without_the_role_cannot_turn_a_message_into_a_call(client, administrator_client):
    message = form_message()

    assert convert(client, message).status_code == 302
    assert convert(administrator_client, message).status_code == 403
    assert (Call.objects.count(), InboxMessage.objects.get().status) == (0, "new")


# --- One step: a call and a call-back --------------------------------------------------------


def test_a_message_becomes_a_call_on_the_matching_case_and_a_call_back_in_one_step(advisor_client, advisor):
    case = case_with_call(advisor, caller_name="Fatima el Amrani", phone="+31612345678")
    message = form_message()

    response = convert(advisor_client, message, target=case.reference)

    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    page = advisor_client.get(response["Location"]).content.decode()
    assert f"Het bericht is nu een gesprek op zaak {case.reference}. Je belt terug op maandag 18 januari 10:15." in page
    call = Call.objects.filter(case=case).order_by("-id").first()
    assert (call.channel, call.started_at, call.advisor) == ("web_form", FRIDAY_EVENING, advisor)
    assert call.notes.startswith("Yara zit sinds de herfstvakantie thuis.")
    callback = Callback.objects.get(case=case)
    assert (callback.assigned_to, callback.due_at, callback.status) == (advisor, TEN_FIFTEEN, CallbackStatus.PLANNED)
    assert callback.phone == "+31612345678"
    assert callback.subject == "Terugbellen over het contactformulier van vrijdag 15 januari 20:00"
    message.refresh_from_db()
    assert (message.status, message.case, message.call, message.picked_up_by) == ("handled", case, call, advisor)
    assert message.history.first().history_user == advisor
    case.refresh_from_db()
    assert case.status == "awaiting_callback"


def test_a_voicemail_becomes_a_phone_call_of_its_length(advisor_client, advisor):
    case = case_with_call(advisor, phone="+31612345678")
    message = voicemail_message()

    convert(advisor_client, message, target=case.reference)

    call = Call.objects.filter(case=case).order_by("-id").first()
    assert (call.channel, call.duration_minutes) == ("phone_in", 2)  # 75 seconds
    assert Callback.objects.get(case=case).subject.startswith("Terugbellen over de voicemail van")


def test_a_message_becomes_a_new_case_with_the_parents_details(advisor_client, advisor):
    message = form_message(phone="06-48123456")

    response = convert(advisor_client, message, target="new", child_first_name="Yara")

    case = Case.objects.get()
    assert response["Location"] == case.get_absolute_url()
    caller = Caller.objects.get(case=case)
    assert (caller.name, caller.phone, caller.email) == ("Fatima el Amrani", "+31648123456", "fatima@example.nl")
    assert (case.child.first_name, case.child.school_type, case.owner) == ("Yara", "po", advisor)
    assert Callback.objects.get(case=case).due_at == TEN_FIFTEEN


def test_a_message_becomes_a_call_on_another_case_by_its_reference(advisor_client, advisor):
    other = case_with_call(advisor, phone="+31687654321")
    message = form_message()

    response = convert(advisor_client, message, target="other", reference=other.reference.lower().replace("-", " "))

    assert response["Location"] == other.get_absolute_url()
    assert InboxMessage.objects.get().case == other


def test_a_new_case_without_a_childs_name_is_refused_in_dutch_and_nothing_is_written(advisor_client):
    message = form_message(child_first_name="")

    response = convert(advisor_client, message, target="new", child_first_name="")

    assert response.status_code == 200
    assert "Dit is nodig voor een nieuwe zaak." in response.content.decode()
    assert (Case.objects.count(), Call.objects.count(), Callback.objects.count()) == (0, 0, 0)
    assert InboxMessage.objects.get().status == "new"


def test_an_unknown_reference_is_refused_in_dutch(advisor_client):
    message = form_message()

    response = convert(advisor_client, message, target="other", reference="OO-2027-9999")

    assert "Er is geen zaak met dit zaaknummer." in response.content.decode()
    assert (Call.objects.count(), InboxMessage.objects.get().status) == (0, "new")


def test_a_call_back_that_cannot_be_planned_writes_no_call_either(advisor_client, advisor, monkeypatch):
    """All or nothing: the call is not kept when the call-back cannot be planned."""
    case = case_with_call(advisor, phone="+31612345678")
    message = form_message()
    calls_before = Call.objects.count()
    monkeypatch.setattr(services, "slot_offers", lambda **kwargs: [])  # every slot of the coming days taken

    response = convert(advisor_client, message, target=case.reference)

    assert "Je hebt de komende 5 werkdagen geen vrij terugbelmoment." in response.content.decode()
    assert (Call.objects.count(), Callback.objects.count()) == (calls_before, 0)
    assert InboxMessage.objects.get().status == "new"


def test_the_second_advisor_is_told_who_handled_it_and_nothing_is_doubled(
    advisor_client, other_advisor_client, advisor
):
    case = case_with_call(advisor, phone="+31612345678")
    message = form_message()
    calls_before = Call.objects.count()

    convert(advisor_client, message, target=case.reference)
    second = convert(other_advisor_client, message, target=case.reference)

    assert second["Location"] == INBOX
    page = other_advisor_client.get(INBOX).content.decode()
    assert f"{advisor} heeft dit bericht om 10:05 al verwerkt: het is nu een gesprek op zaak {case.reference}." in page
    assert (Call.objects.count(), Callback.objects.count()) == (calls_before + 1, 1)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_advisors_handling_one_message_at_the_same_moment_make_one_call_and_one_call_back(advisor,
                                                                                              other_advisor):
    case = case_with_call(advisor, phone="+31612345678")
    message = form_message()
    calls_before = Call.objects.count()

    def handle(by):
        return lambda: services.inbox_message_to_call(message=message, by=by, case=case, notes="Bericht")

    outcomes = at_once(handle(advisor), handle(other_advisor))

    refused = [outcome for outcome in outcomes if not isinstance(outcome, tuple)]
    assert len(refused) == 1 and getattr(refused[0], "code", None) == "handled", outcomes
    assert (Call.objects.count(), Callback.objects.count()) == (calls_before + 1, 1)
    message.refresh_from_db()
    assert message.status == "handled"


# --- Picking up first --------------------------------------------------------------------------


def test_a_picked_up_message_is_the_advisors_and_colleagues_see_who_has_it(
    advisor_client, other_advisor_client, advisor
):
    message = form_message()

    advisor_client.post(reverse("inbox:pick_up", args=[message.pk]))
    page = other_advisor_client.get(INBOX).content.decode()
    refused = convert(other_advisor_client, message)

    assert f"Opgepakt door {advisor} om 10:05" in page and f"{advisor} is met dit bericht bezig." in page
    assert reverse("inbox:message_to_call", args=[message.pk]) not in page
    assert refused["Location"] == INBOX
    told = other_advisor_client.get(INBOX).content.decode()
    assert f"{advisor} heeft dit bericht om 10:05 opgepakt en is ermee bezig." in told
    assert (Case.objects.count(), InboxMessage.objects.get().status) == (0, "picked_up")


def test_the_advisor_who_picked_it_up_handles_it_or_puts_it_back(advisor_client, other_advisor_client, advisor):
    first, second = form_message(), form_message(FRIDAY_EVENING + dt.timedelta(minutes=5), phone="06-48123456")
    advisor_client.post(reverse("inbox:pick_up", args=[first.pk]))
    advisor_client.post(reverse("inbox:pick_up", args=[second.pk]))

    assert convert(advisor_client, first)["Location"].startswith("/zaken/")
    advisor_client.post(reverse("inbox:put_back", args=[second.pk]))
    other_advisor_client.post(reverse("inbox:put_back", args=[first.pk]))  # not Bram's to put back

    assert InboxMessage.objects.get(pk=first.pk).status == "handled"
    second.refresh_from_db()
    assert (second.status, second.picked_up_by) == ("new", None)


# --- Query counts ---------------------------------------------------------------------------------


def _messages_with_cases(advisor, count: int) -> None:
    for number in range(count):
        phone = f"+3161{number:07d}"
        case_with_call(advisor, phone=phone)
        form_message(FRIDAY_EVENING + dt.timedelta(minutes=number), phone=phone, email=f"ouder{number}@example.nl",
                     address=f"198.51.100.{number % 250}")  # fmt: skip


# Session, user, the second-factor device, groups; the count and the page of messages (with who picked
# them up); the matching callers; their cases with owner and child, topics and callers prefetched;
# the access log's one INSERT.
INBOX_CEILING = 11


def test_the_inbox_runs_the_same_queries_for_10_messages_as_for_100(advisor_client, advisor, settings):
    settings.CONTACT_FORM_SENDS_PER_HOUR = 1000
    _messages_with_cases(advisor, 10)
    few = page_queries(advisor_client, INBOX)
    _messages_with_cases(advisor, 90)
    many = page_queries(advisor_client, INBOX)

    assert_constant_queries(few, many, ceiling=INBOX_CEILING)


def test_the_menu_leads_advisors_to_the_inbox(advisor_client, administrator_client):
    link = f'href="{INBOX}">Inbox</a>'

    assert link in advisor_client.get(reverse("start")).content.decode()
    assert link not in administrator_client.get(reverse("start")).content.decode()


def test_a_refused_form_starts_the_page_with_the_error_summary_linking_its_field(advisor_client):
    message = form_message(child_first_name="")

    page = convert(advisor_client, message, target="new", child_first_name="").content.decode()

    summary = page[page.index("data-error-summary") : page.index("</section>")]
    assert f'href="#id_bericht-{message.pk}-child_first_name"' in summary
    assert "Voornaam van het kind (nieuwe zaak): Dit is nodig voor een nieuwe zaak." in summary


def test_the_team_leads_dashboard_counts_the_waiting_messages_and_links_to_the_inbox(team_lead_client, advisor_client):
    form_message()
    voicemail_message(FRIDAY_EVENING + dt.timedelta(hours=1))
    convert(advisor_client, form_message(FRIDAY_EVENING + dt.timedelta(hours=2), phone="06-87654321"))

    page = team_lead_client.get(reverse("team_dashboard")).content.decode()

    figure = re.search(r'<a href="([^"]*)" data-testid="figure-inbox">([^<]*)</a>: (\d+)', page)
    assert figure, "the dashboard has no inbox figure"
    assert figure[1] == INBOX
    assert figure[2] == "Berichten in de inbox"
    assert int(figure[3]) == 2  # the handled one is not waiting
