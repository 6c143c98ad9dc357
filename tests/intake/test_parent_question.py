"""The parent's question on the call form (issue 21): what the parent asks for, and the two steps
the key questions missed (Het Juiste Loket asked, a professional involved). They are saved, shown
in Dutch, kept for the case's next call, and they feed the advice."""

import re

from django.urls import reverse

from intake.models import Call
from tests.factories import case_with_call
from tests.intake.support import CALL_SCREEN, NOTHING, field_errors, form_values, minutes_ago, row_counts

ASKS = {
    "gesprek-questions": ["rights_duties", "unequal_treatment", "right_to_education"],
    "gesprek-steps_taken": ["teacher", "het_juiste_loket", "professional"],
}


def advice_verdicts(html: str) -> dict[str, str]:
    """Each organisation the advice names, with its verdict."""
    return dict(re.findall(r'data-testid="advice-([\w-]+)" data-verdict="(\w+)"', html))


def test_the_call_form_asks_what_the_parent_asks_for_in_dutch(advisor_client):
    page = advisor_client.get(CALL_SCREEN).content.decode()

    for text in ("Wat vraagt de ouder?", "Informatie", "Rechten en plichten van ouder of school",
                 "Bemiddeling tussen ouder en school", "Een klacht of signaal over school of samenwerkingsverband",
                 "Klacht: ongelijke behandeling vanwege een handicap of chronische ziekte",
                 "Klacht: overheid of school respecteert het recht op onderwijs niet",
                 "Financiering van zorg en onderwijs", "Het Juiste Loket (al gevraagd)",
                 "Betrokken professional (bijv. jeugdhulp)"):  # fmt: skip
        assert text in page, text


def test_the_parents_question_and_the_new_steps_are_saved(call_screen):
    response = call_screen.post(**ASKS)

    assert response.status_code == 302
    call = Call.objects.get()
    assert call.questions == ["rights_duties", "unequal_treatment", "right_to_education"]
    assert call.steps_taken == ["teacher", "het_juiste_loket", "professional"]


def test_the_case_page_shows_the_question_in_dutch_and_advises_on_it(call_screen):
    response = call_screen.post(**ASKS)

    page = call_screen.client.get(response.url).content.decode()
    assert "Vraag" in page
    assert ("Rechten en plichten van ouder of school, Klacht: ongelijke behandeling vanwege een handicap of "
            "chronische ziekte, Klacht: overheid of school respecteert het recht op onderwijs niet") in page
    assert "Het Juiste Loket (al gevraagd), Betrokken professional (bijv. jeugdhulp)" in page
    advice = advice_verdicts(page)
    for loket in ("regelrecht", "juridisch-loket", "college-rechten-mens", "kinderombudsman", "kinderrechtenhelpdesk"):
        assert advice.get(loket) == "recommended", loket


def test_an_unknown_question_is_refused_in_dutch_and_nothing_is_saved(call_screen):
    response = call_screen.post(**{"gesprek-questions": ["rights_duties", "lawsuit"]})

    assert response.status_code == 200
    assert any("geen beschikbare keuze" in error for error in field_errors(response, "gesprek", "questions"))
    assert row_counts() == NOTHING


def test_a_next_call_starts_from_and_keeps_the_parents_question(advisor_client, advisor):
    case = case_with_call(advisor, questions=["care_funding", "complaint"], steps_taken=["het_juiste_loket"])
    url = reverse("intake:call_add", args=[case.reference])

    shown = form_values(advisor_client.get(url).content.decode())
    assert sorted(shown["gesprek-questions"]) == ["care_funding", "complaint"]
    assert shown["gesprek-steps_taken"] == ["het_juiste_loket"]

    shown.pop("gesprek-notes", None)
    response = advisor_client.post(url, {**shown, "gesprek-notes": "Ouder belt even bij.", "gesprek-started_at":
                                         minutes_ago(1)})  # fmt: skip
    assert response.status_code == 302, response.content.decode()
    latest = Call.objects.filter(case=case).order_by("-started_at").first()
    assert (sorted(latest.questions), latest.steps_taken) == (["care_funding", "complaint"], ["het_juiste_loket"])


def test_the_advice_beside_the_form_follows_the_parents_question(advisor_client):
    preview = reverse("referrals:advice_preview")

    asked = advisor_client.get(preview, {"gesprek-questions": ["rights_duties", "unequal_treatment"]})
    not_asked = advisor_client.get(preview, {"gesprek-questions": ["information"]})

    assert advice_verdicts(asked.content.decode())["regelrecht"] == "recommended"
    assert advice_verdicts(asked.content.decode())["college-rechten-mens"] == "recommended"
    assert "regelrecht" not in advice_verdicts(not_asked.content.decode())


def test_the_advice_beside_the_form_on_a_case_keeps_het_juiste_loket_asked(advisor_client, advisor):
    case = case_with_call(advisor, steps_taken=["teacher", "het_juiste_loket"], care_involved=True)
    preview = reverse("referrals:advice_preview")

    html = advisor_client.get(preview, {"zaak": case.reference, "gesprek-steps_taken": ["teacher", "het_juiste_loket"],
                                        "gesprek-care_involved": "on"}).content.decode()  # fmt: skip

    verdicts = advice_verdicts(html)
    assert "het-juiste-loket" not in verdicts
    assert verdicts["onderwijszorgconsulent"] == "not_yet"
