"""The consent screens as the advisor and the parent read them: in Dutch, with labels instead of
codes; the text to read out shown (and its version recorded) before consent is recorded; each
consent against its own recipient; a consent whose giver has lost parental authority no longer
shown as given."""

import re

import pytest
from django.urls import reverse

from consent.models import ConsentRecord, Purpose
from consent.services import disclosure_make
from tests.factories import case_with_call

SUMMARY = "share-summary-consultant"
SCHOOL_CONTACT = "helpline-contacts-school"


@pytest.fixture
def case(advisor):
    case = case_with_call(advisor)
    _set_authority(case, "yes")
    return case


def _set_authority(case, authority: str) -> None:
    caller = case.callers.get()
    caller.parental_authority = authority
    caller.save()


def _purpose(code: str = SUMMARY) -> Purpose:
    return Purpose.objects.get(code=code)


def _form(case, *, purpose: str = SUMMARY, **changes) -> dict:
    chosen = _purpose(purpose)
    return {
        "purpose": chosen.pk, "purpose_version": chosen.version, "recipient": "onderwijsconsulent",
        "categories": ["contact", "school"], "method": "phone", "valid_until": "2099-01-01",
        **changes, "giver": changes.get("giver") or case.callers.earliest("pk").pk,
    }


def _give(client, case, **changes):
    return client.post(reverse("consent:give", args=[case.reference]), _form(case, **changes))


def _give_page(client, case, **query) -> str:
    return client.get(reverse("consent:give", args=[case.reference]), query).content.decode()


def _panel(client, case) -> str:
    page = client.get(case.get_absolute_url()).content.decode()
    start = page.index('data-testid="consent-panel"')
    return page[start : page.index("</section>", start)]


def _rows(panel: str) -> list[str]:
    return re.findall(r'<tr data-testid="consent-cell".*?</tr>', panel, re.S)


def _shown_text(page: str) -> str:
    """The text block the page shows (not hidden) for the chosen purpose."""
    shown = [block for block in re.findall(r"<figure [^>]*data-purpose-text=[^>]*>.*?</figure>", page, re.S)
             if not re.search(r"<figure [^>]*\bhidden\b", block)]
    assert len(shown) == 1, shown
    return shown[0]


def _selected(page: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', page, re.S).group(0)
    return re.findall(r'<option value="([^"]*)"[^>]*\bselected\b', select)


# --- Dutch labels, never codes or English ---------------------------------------------------


def test_the_givers_are_offered_with_their_parental_authority_in_dutch(advisor_client, case):
    page = _give_page(advisor_client, case)
    assert "Fatima el Amrani (gezag: Ja)" in page
    assert "parental authority" not in page


def test_the_consent_panel_names_the_data_by_its_dutch_labels(advisor_client, case):
    assert _give(advisor_client, case).status_code == 302
    panel = _panel(advisor_client, case)
    assert "Contactgegevens, Schoolgegevens" in panel
    assert "contact, school" not in panel


def test_the_parent_overview_names_data_recipients_and_method_in_dutch(advisor_client, advisor, case):
    _give(advisor_client, case)
    disclosure_make(case=case, purpose=_purpose(), recipient_code="onderwijsconsulent", categories=["contact"],
                    by=advisor, content=lambda categories: b"{}")
    page = advisor_client.get(reverse("consent:overview", args=[case.reference])).content.decode()
    assert "Gegevens: Contactgegevens, Schoolgegevens" in page and "telefonisch" in page
    shared = re.search(r'data-testid="overview-disclosure">(.*?)</li>', page, re.S).group(1)
    assert "Onderwijsconsulenten" in shared and "Contactgegevens" in shared
    assert "onderwijsconsulent ·" not in shared and "contact" not in shared


# --- The text read to the parent, shown before consent is recorded ---------------------------


def test_the_form_shows_the_text_to_read_out_with_its_version(advisor_client, case):
    purpose = _purpose()
    shown = _shown_text(_give_page(advisor_client, case, doel=SUMMARY))
    assert purpose.text in shown and "tekstversie 1" in shown
    page = _give_page(advisor_client, case, doel=SUMMARY)
    assert re.search(r'<input type="hidden" name="purpose_version" value="1"', page)


def test_every_purposes_text_is_on_the_page_for_the_script_to_show_when_the_purpose_changes(advisor_client, case):
    page = _give_page(advisor_client, case)
    for purpose in Purpose.objects.filter(active=True):
        assert f'data-purpose-text="{purpose.pk}"' in page and purpose.text in page
    assert 'src="/static/js/consent.js"' in page


def test_without_a_chosen_purpose_no_text_is_shown_as_read(advisor_client, case):
    page = _give_page(advisor_client, case)
    assert "Kies een doel" in page
    assert re.search(r'<input type="hidden" name="purpose_version" value=""', page)


def test_the_consent_records_the_text_and_version_that_were_shown(advisor_client, case):
    purpose = _purpose()
    purpose.text = "Een nieuwe tekst om voor te lezen."
    purpose.save()
    assert _give(advisor_client, case, purpose_version=2).status_code == 302
    record = ConsentRecord.objects.get()
    assert (record.purpose_text, record.purpose_version) == ("Een nieuwe tekst om voor te lezen.", 2)


def test_a_form_whose_shown_text_is_no_longer_current_is_refused_in_dutch(advisor_client, case):
    shown_version = _purpose().version
    purpose = _purpose()
    purpose.text = "De tekst is intussen aangepast."
    purpose.save()

    response = _give(advisor_client, case, purpose_version=shown_version)
    page = response.content.decode()
    assert response.status_code == 200 and not ConsentRecord.objects.exists()
    assert "De tekst van dit doel is gewijzigd" in page
    assert "De tekst is intussen aangepast." in _shown_text(page)
    assert re.search(r'<input type="hidden" name="purpose_version" value="2"', page)


def test_a_form_that_did_not_show_the_text_is_refused_and_then_shows_it(advisor_client, case):
    response = _give(advisor_client, case, purpose_version="")
    page = response.content.decode()
    assert response.status_code == 200 and not ConsentRecord.objects.exists()
    assert "Lees de ouder eerst de tekst van het doel voor" in page
    assert _purpose().text in _shown_text(page)


# --- The recipient: chosen, or the referral's, and one that fits the purpose -------------------


def test_no_recipient_is_chosen_for_the_advisor(advisor_client, case):
    page = _give_page(advisor_client, case)
    assert _selected(page, "recipient") == [""]
    refused = _give(advisor_client, case, recipient="")
    assert "Dit veld is verplicht." in refused.content.decode() and not ConsentRecord.objects.exists()


def test_from_a_referral_the_form_proposes_its_purpose_and_recipient(advisor_client, case):
    page = _give_page(advisor_client, case, doel=SUMMARY, ontvanger="onderwijsconsulent")
    assert _selected(page, "recipient") == ["onderwijsconsulent"]
    assert _selected(page, "purpose") == [str(_purpose().pk)]


def test_a_proposed_recipient_that_does_not_fit_the_purpose_is_not_chosen(advisor_client, case):
    page = _give_page(advisor_client, case, doel=SUMMARY, ontvanger="college-rechten-mens")
    assert _selected(page, "recipient") == [""]


def test_each_purpose_names_the_recipients_that_fit_it(advisor_client, case):
    page = _give_page(advisor_client, case)
    school = _purpose(SCHOOL_CONTACT)
    assert re.search(rf'data-purpose-text="{school.pk}"[^>]*data-recipients="school"', page)


def test_a_recipient_that_does_not_fit_the_purpose_is_refused_in_dutch(advisor_client, case):
    response = _give(advisor_client, case, purpose=SCHOOL_CONTACT, recipient="onderwijsconsulent")
    page = response.content.decode()
    assert response.status_code == 200 and not ConsentRecord.objects.exists()
    assert "past niet bij het doel" in page and "De eigen school" in page


# --- The panel: each consent against its own recipient ----------------------------------------


def test_each_consent_is_shown_against_its_own_recipient(advisor_client, case):
    _give(advisor_client, case)
    _give(advisor_client, case, purpose=SCHOOL_CONTACT, recipient="school")
    rows = _rows(_panel(advisor_client, case))

    summary = [row for row in rows if "Samenvatting delen met de onderwijsconsulent" in row]
    school = [row for row in rows if "De hulplijn neemt namens u contact op met de school" in row]
    assert len(summary) == 1 and "Onderwijsconsulenten" in summary[0] and 'data-state="given"' in summary[0]
    assert len(school) == 1 and "De eigen school" in school[0] and 'data-state="given"' in school[0]
    assert "Onderwijsconsulenten" not in school[0]


def test_a_purpose_without_consent_names_the_recipients_it_is_for(advisor_client, case):
    _give(advisor_client, case)
    rows = _rows(_panel(advisor_client, case))
    school = next(row for row in rows if "De hulplijn neemt namens u contact op met de school" in row)
    assert 'data-state="missing"' in school and "De eigen school" in school and "Onderwijsconsulenten" not in school


# --- A consent whose giver lost parental authority ---------------------------------------------


@pytest.mark.parametrize(
    ("authority", "reason"),
    [("unknown", "het gezag van wie de toestemming gaf is nu onbekend"),
     ("no", "wie de toestemming gaf heeft volgens de zaak nu geen gezag")],
)
def test_a_consent_whose_giver_has_no_authority_now_no_longer_counts(advisor_client, case, authority, reason):
    _give(advisor_client, case)
    _set_authority(case, authority)
    row = next(row for row in _rows(_panel(advisor_client, case)) if "Samenvatting delen" in row)
    assert 'data-state="not_counting"' in row and "Telt niet mee" in row and reason in row.lower()
    assert "Gegeven</span>" not in row


def test_a_consent_whose_giver_left_the_case_no_longer_counts(advisor_client, advisor, case):
    from tests.factories import CallerFactory

    other = CallerFactory(case=case, by=advisor)
    other.parental_authority = "yes"
    other.save()
    _give(advisor_client, case, giver=other.pk)
    other.delete()  # the record keeps the giver's id; the case no longer has them
    row = next(row for row in _rows(_panel(advisor_client, case)) if "Samenvatting delen" in row)
    assert 'data-state="not_counting"' in row and "hoort niet meer bij de zaak" in row
