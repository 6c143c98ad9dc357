"""The parents' contact form: open without signing in, in Dutch, and guarded. A robot that fills
the honeypot, an address past its hourly share and a post without the CSRF token are refused with
a clear message, and nothing is stored."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from intake.models import ContactFormSends, InboxMessage
from tests.intake.inbox_support import FRIDAY_EVENING, MONDAY_OPENING, contact_form

CONTACT = reverse("inbox:contact")
HONEYPOT_REFUSAL = "Je bericht is niet verstuurd: een veld dat leeg moet blijven (“Website”) is ingevuld."
RATE_REFUSAL = "Je hebt ons het afgelopen uur al een paar berichten gestuurd."

pytestmark = pytest.mark.django_db


def send(client: Client, *, address: str = "203.0.113.7", forwarded: str | None = None, **changes):
    """The form posted from `address` (through a proxy that forwarded `forwarded`)."""
    headers = {"REMOTE_ADDR": address} | ({"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {})
    return client.post(CONTACT, contact_form(**changes), **headers)


def test_a_parent_opens_the_form_without_signing_in_and_reads_it_in_dutch(client):
    response = client.get(CONTACT)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Stel je vraag" in page
    assert "open op werkdagen van 10:00 tot 13:00" in page
    assert "Wat we met je gegevens doen" in page and "We bewaren je internetadres niet." in page
    assert 'name="csrfmiddlewaretoken"' in page
    # The staff's menu and sign-out are not on the parents' page.
    assert reverse("logout") not in page and reverse("intake:search") not in page


def test_a_form_sent_on_friday_evening_promises_a_call_back_from_monday_opening(client):
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        response = send(client)
        confirmation = client.get(response["Location"])

    assert response.status_code == 302
    page = confirmation.content.decode()
    assert "Bedankt, we hebben je bericht ontvangen" in page
    assert "We bellen je terug vanaf maandag 18 januari om 10:00." in page
    message = InboxMessage.objects.get()
    assert (message.channel, message.status, message.received_at) == ("form", "new", FRIDAY_EVENING)
    assert (message.name, message.phone, message.email) == ("Fatima el Amrani", "+31612345678", "fatima@example.nl")
    assert (message.child_first_name, message.school_type) == ("Yara", "po")
    assert message.question.startswith("Yara zit sinds de herfstvakantie thuis.")
    # Nobody picked it up by Monday's opening plus an hour: then it goes to the team leads.
    assert message.escalate_at == MONDAY_OPENING + dt.timedelta(hours=1)


def test_an_altered_confirmation_link_thanks_without_promising_a_time(client):
    page = client.get(reverse("inbox:contact_sent"), {"bericht": "2030-01-01T10:00:00+01:00"}).content.decode()

    assert "Bedankt, we hebben je bericht ontvangen" in page
    assert "We bellen je terug zodra onze advieslijn open is." in page


def test_a_missing_or_wrong_phone_number_is_refused_in_dutch_and_keeps_what_was_typed(client):
    response = send(client, phone="06-1234")

    page = response.content.decode()
    assert response.status_code == 400
    assert "Je bericht is nog niet verstuurd" in page
    assert "Dit is geen geldig telefoonnummer: er ontbreken cijfers." in page
    assert "Yara zit sinds de herfstvakantie thuis." in page  # nothing typed is lost
    assert InboxMessage.objects.count() == 0


def test_a_robot_filling_the_honeypot_is_refused_with_a_clear_message_and_nothing_is_stored(client):
    response = send(client, website="https://spam.example")

    assert response.status_code == 400
    assert HONEYPOT_REFUSAL in response.content.decode()
    assert InboxMessage.objects.count() == 0
    assert ContactFormSends.objects.count() == 0


def test_the_honeypot_is_hidden_from_sight_screen_readers_and_the_tab_key(client):
    page = client.get(CONTACT).content.decode()

    hidden = page[page.index('<div class="visually-hidden" aria-hidden="true">') :]
    field = hidden[: hidden.index("</div>\n")]
    assert 'name="website"' in field and 'tabindex="-1"' in field and 'autocomplete="off"' in field


def test_an_address_past_its_hourly_share_is_refused_and_nothing_is_stored(client, settings):
    settings.CONTACT_FORM_SENDS_PER_HOUR = 2
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        assert send(client).status_code == 302
        assert send(client, question="Nog een vraag").status_code == 302
        refused = send(client, question="Derde vraag")

    assert refused.status_code == 429
    page = refused.content.decode()
    assert RATE_REFUSAL in page
    assert "Derde vraag" in page  # the parent's text is still in the form
    assert InboxMessage.objects.count() == 2
    assert not InboxMessage.objects.filter(question="Derde vraag").exists()


def test_the_limit_is_per_address_and_per_hour(client, settings):
    settings.CONTACT_FORM_SENDS_PER_HOUR = 1
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        assert send(client).status_code == 302
        assert send(client).status_code == 429
        assert send(client, address="198.51.100.20").status_code == 302  # another parent
    with time_machine.travel(FRIDAY_EVENING + dt.timedelta(hours=1), tick=False):
        assert send(client).status_code == 302  # the next hour

    assert InboxMessage.objects.count() == 3


def test_the_address_is_kept_only_as_a_keyed_hash(client):
    send(client, address="203.0.113.7")

    row = ContactFormSends.objects.get()
    assert "203.0.113.7" not in row.address_hash
    assert len(row.address_hash) == 64


def test_behind_a_proxy_the_limit_counts_the_address_the_proxy_saw(client, settings):
    """X-Forwarded-For's last entry is our proxy's; what the client wrote before it is not trusted."""
    settings.CLIENT_ADDRESS_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.CONTACT_FORM_SENDS_PER_HOUR = 1

    first = send(client, address="10.0.0.2", forwarded="1.1.1.1, 203.0.113.7")
    same_parent = send(client, address="10.0.0.2", forwarded="9.9.9.9, 203.0.113.7")
    other_parent = send(client, address="10.0.0.2", forwarded="198.51.100.20")

    assert (first.status_code, same_parent.status_code, other_parent.status_code) == (302, 429, 302)


def test_a_post_without_the_csrf_token_is_refused_and_nothing_is_stored():
    strict = Client(enforce_csrf_checks=True)

    response = strict.post(CONTACT, contact_form())

    assert response.status_code == 403
    assert InboxMessage.objects.count() == 0
    # In Dutch, saying what to do; not Django's English page about CSRF.
    page = response.content.decode()
    assert "Het formulier kon niet worden verstuurd" in page
    assert "laad de pagina opnieuw en verstuur het formulier nog eens" in page
    assert "verification failed" not in page and "Forbidden" not in page


def test_with_the_csrf_token_of_the_page_the_form_is_sent():
    strict = Client(enforce_csrf_checks=True)
    strict.get(CONTACT)

    response = strict.post(CONTACT, {**contact_form(), "csrfmiddlewaretoken": strict.cookies["csrftoken"].value})

    assert response.status_code == 302
    assert InboxMessage.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sends_at_the_same_moment_cannot_both_take_the_last_place(settings, monkeypatch):
    import time

    from django.core.exceptions import ValidationError

    from intake.inbox import services
    from tests.intake.test_concurrency import at_once

    settings.CONTACT_FORM_SENDS_PER_HOUR = 2
    counted = ContactFormSends.save

    def slowly_counted(self, *args, **kwargs):
        time.sleep(0.3)  # both have read the counter by now, unless the first one's read locked it
        counted(self, *args, **kwargs)

    monkeypatch.setattr(ContactFormSends, "save", slowly_counted)

    def send_form():
        return services.inbox_form_receive(sender_address="203.0.113.7", name="Fatima", phone="+31612345678",
                                           question="Bel mij terug")  # fmt: skip

    send_form()  # the hour's counter exists: the two below both find it, neither waits to create it
    outcomes = at_once(send_form, send_form)

    refused = [outcome for outcome in outcomes if isinstance(outcome, ValidationError)]
    assert len(refused) == 1 and refused[0].code == "rate_limited", outcomes
    assert InboxMessage.objects.count() == 2
