"""In a real browser: an advisor logs a first call, and the parent's second call,
with the number typed another way, lands on the same case and keeps its facts;
a half-typed call is offered back, never mixed into a new one."""

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import Page, expect

from caseflow.accounts import roles
from caseflow.audit.retention import case_anonymise
from intake.models import Call, CallDraft
from tests.factories import UserFactory, case_with_call


def test_a_repeat_caller_typed_differently_lands_on_their_case(
    page: Page, transactional_db, sign_in, requests_to_other_hosts
):
    sign_in(UserFactory(username="anna", first_name="Anna", role=roles.ADVISOR))

    # First call: the search box has the focus, the number finds nothing.
    page.goto("/gesprek/")
    search = page.get_by_label("Zoek een zaak: telefoonnummer, naam of zaaknummer")
    expect(search).to_be_focused()
    search.fill("06-12345678")
    expect(page.get_by_test_id("no-results")).to_be_visible()

    page.locator("#id_beller-name").fill("Fatima el Amrani")
    page.get_by_label("Telefoon", exact=True).fill("06-12345678")
    page.get_by_label("Voornaam of initialen").fill("Yara")
    page.get_by_label("Geboortejaar").fill("2014")
    page.get_by_label("Schoolsoort").select_option(label="Primair onderwijs (PO)")
    page.get_by_label("Leerkracht").check()
    page.get_by_label("Aantekeningen").fill("School biedt geen extra ondersteuning.")
    # Keyboard-first: Ctrl+S saves the call.
    page.keyboard.press("Control+s")

    expect(page.get_by_test_id("case-reference")).to_have_text(re.compile(r"^OO-\d{4}-0001$"))
    reference = page.get_by_test_id("case-reference").inner_text()
    expect(page.get_by_test_id("timeline-call")).to_have_count(1)

    # Second call, weeks later: the number as the parent now says it.
    page.goto("/gesprek/")
    page.keyboard.press("Control+k")
    page.keyboard.type("+31 6 12345678")
    results = page.get_by_test_id("search-results")
    expect(results).to_contain_text(reference)
    expect(results).to_contain_text("Fatima el Amrani")
    results.get_by_role("link", name="Gesprek vastleggen in deze zaak").click()

    page.get_by_label("Aantekeningen").fill("School heeft het samenwerkingsverband gebeld.")
    page.get_by_test_id("save-call").click()

    expect(page.get_by_test_id("case-reference")).to_have_text(reference)
    timeline = page.get_by_test_id("timeline-call")
    expect(timeline).to_have_count(2)
    expect(timeline.first).to_contain_text("samenwerkingsverband gebeld")
    assert Call.objects.filter(case__reference=reference).count() == 2
    assert requests_to_other_hosts == []


def test_a_second_call_with_only_notes_keeps_six_weeks_at_home_and_the_advice(
    page: Page, transactional_db, sign_in, requests_to_other_hosts
):
    advisor = UserFactory(username="anna", first_name="Anna", role=roles.ADVISOR)
    since = timezone.localdate() - dt.timedelta(weeks=6, days=2)
    case = case_with_call(advisor, steps_taken=["teacher"], at_home="yes", at_home_since=since)
    case.child.school_type = "vo"
    case.child.save()
    sign_in(advisor)

    page.goto(case.get_absolute_url())
    expect(page.get_by_test_id("at-home")).to_have_text("Ja, 6 weken")
    panel = page.get_by_test_id("advice-panel")
    consultant = panel.get_by_test_id("advice-onderwijsconsulent")
    expect(consultant).to_have_attribute("data-verdict", "recommended")
    advice_before = panel.get_by_test_id("advice").inner_text()

    page.get_by_test_id("add-call").click()
    # The form starts from the case's facts, and so does the advice beside it.
    at_home = page.get_by_role("group", name="4. Zit het kind (dreigend) thuis zonder school?")
    expect(at_home.get_by_label("Ja")).to_be_checked()
    expect(page.get_by_label("Thuis sinds")).to_have_value(since.isoformat())
    expect(page.get_by_label("Leerkracht")).to_be_checked()
    expect(page.locator("#adviesvoorbeeld").get_by_test_id("advice-onderwijsconsulent")).to_have_attribute(
        "data-verdict", "recommended"
    )
    page.get_by_label("Aantekeningen").fill("Moeder belt alleen om te vertellen dat het gesprek gepland is.")
    page.get_by_test_id("save-call").click()

    expect(page.get_by_test_id("timeline-call")).to_have_count(2)
    expect(page.get_by_test_id("at-home")).to_have_text("Ja, 6 weken")
    expect(consultant).to_have_attribute("data-verdict", "recommended")
    assert panel.get_by_test_id("advice").inner_text() == advice_before
    assert requests_to_other_hosts == []


def test_a_half_typed_call_is_offered_back_and_never_mixed_into_a_new_one(page: Page, transactional_db, sign_in):
    advisor = UserFactory(username="bram", first_name="Bram", role=roles.ADVISOR)
    sign_in(advisor)

    page.goto("/gesprek/")
    page.locator("#id_beller-name").fill("Piet de Boer")
    page.get_by_label("Aantekeningen").fill("Zoon zit sinds de herfstvakantie thuis.")
    # The autosave reports back once the server has the draft.
    expect(page.locator("[data-autosave-status]")).to_contain_text("Concept bewaard")

    # "Nieuw gesprek": another parent. The form is empty, the unsaved call is offered.
    page.goto("/zaken/mijn/")
    page.goto("/gesprek/")
    offer = page.get_by_test_id("draft-offer")
    expect(offer).to_contain_text("Er is een niet-opgeslagen gesprek van")
    expect(offer).to_contain_text("(Piet de Boer)")
    expect(page.locator("#id_beller-name")).to_have_value("")
    page.locator("#id_beller-name").type("Henk Draftman")
    expect(page.locator("[data-autosave-status]")).to_contain_text("Concept bewaard")
    expect(page.locator("#id_beller-name")).to_have_value("Henk Draftman")

    # Restoring Piet's call replaces the form's content; Henk's call is kept and offered in turn.
    offer.get_by_role("link", name="Herstellen").click()
    expect(page.get_by_test_id("draft-restored")).to_be_visible()
    expect(page.locator("#id_beller-name")).to_have_value("Piet de Boer")
    expect(page.get_by_label("Aantekeningen")).to_have_value("Zoon zit sinds de herfstvakantie thuis.")
    names = sorted(draft.data["beller-name"][0] for draft in CallDraft.objects.filter(author=advisor))
    assert names == ["Henk Draftman", "Piet de Boer"]
    page.reload()
    expect(page.get_by_test_id("draft-offer")).to_contain_text("(Henk Draftman)")


def test_a_call_form_left_open_on_a_case_that_is_anonymised_says_so_and_stops_saving(
    page: Page, transactional_db, sign_in
):
    advisor = UserFactory(username="cor", first_name="Cor", role=roles.ADVISOR)
    case = case_with_call(advisor)
    sign_in(advisor)
    page.goto(case.get_absolute_url())
    page.get_by_test_id("add-call").click()

    case_anonymise(case=case, by=None, why="retention")
    page.get_by_label("Aantekeningen").fill("Moeder belt terug over de school.")

    # The server's reason, not "check your connection", and no draft of the parent's words.
    status = page.locator("[data-autosave-status]")
    expect(status).to_contain_text("geanonimiseerd")
    page.get_by_label("Aantekeningen").fill("Nog een zin.")
    page.wait_for_timeout(1500)
    expect(status).to_contain_text("geanonimiseerd")
    assert not CallDraft.objects.filter(author=advisor).exists()
