"""The case's history, "who looked" and the access log read as Dutch sentences (issue 20).

Each test renders the page as a team lead reads it and asserts the Dutch text, and that the raw
value it replaces (an English word, a code, a database id, True/False) is not on it.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from caseflow.audit import access_words, page_name
from caseflow.models import AccessLog
from tests.factories import case_with_call
from tests.urlwalk import all_pages


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _part(html: str, testid: str) -> str:
    """The text of every element marked data-testid=`testid`, one string."""
    return " | ".join(_text(part) for part in re.findall(rf'data-testid="{testid}"[^>]*>(.*?)</(?:li|tr)>', html, re.S))


# --- Who looked, and the access log ---------------------------------------------------------


def test_who_looked_names_the_page_in_dutch(team_lead_client, advisor_client, advisor):
    case = case_with_call(advisor)
    advisor_client.get(case.get_absolute_url())
    team_lead_client.get(reverse("case_history", args=[case.reference]))

    lines = _part(team_lead_client.get(case.get_absolute_url()).content.decode(), "case-viewer")

    assert "bekeken: zaak" in lines and "bekeken: geschiedenis" in lines
    assert "(case)" not in lines and "history" not in lines


def test_who_looked_lists_each_page_of_views_taken_together(advisor_client, other_advisor_client, advisor):
    case = case_with_call(advisor)
    other_advisor_client.get(case.get_absolute_url())
    other_advisor_client.get(reverse("intake:child_edit", args=[case.reference]))

    lines = _part(advisor_client.get(case.get_absolute_url()).content.decode(), "case-viewer")

    assert "2× bekeken: zaak, gegevens van het kind" in lines
    assert "intake:child_edit" not in lines


def test_a_search_reads_what_it_was_searched_by_and_how_many_cases_it_showed(team_lead_client, advisor_client,
                                                                             advisor):  # fmt: skip
    case = case_with_call(advisor, phone="+31612345678")
    advisor_client.get(reverse("intake:search"), {"q": "06-12345678"})
    advisor_client.get(reverse("intake:search"), {"q": "Niemand Bekend"})

    log = _part(team_lead_client.get(reverse("access_log")).content.decode(), "access-entry")
    looked = _part(team_lead_client.get(case.get_absolute_url()).content.decode(), "case-viewer")

    assert "gezocht op telefoonnummer 1 zaak" in log and "gezocht op naam niets gevonden" in log
    assert "gezocht op telefoonnummer: 1 zaak" in looked
    assert "phone" not in log + looked and "search by" not in log + looked


def test_the_access_log_names_pages_in_dutch_not_by_their_url_names(team_lead_client, advisor_client, advisor):
    case = case_with_call(advisor)
    advisor_client.get(reverse("intake:child_edit", args=[case.reference]))
    team_lead_client.get(reverse("subject_access", args=[case.reference]), {"formaat": "json"})
    team_lead_client.get(reverse("admin:caseflow_case_change", args=[case.pk]))

    log = _part(team_lead_client.get(reverse("access_log")).content.decode(), "access-entry")

    assert "bekeken gegevens van het kind" in log
    assert "geëxporteerd inzage-export (JSON)" in log
    assert "bekeken beheer: zaak" in log
    assert not re.search(r"intake:|subject-access|admin case|\bviewed\b", log)


def test_every_page_of_the_project_has_a_dutch_name_for_the_access_log():
    """A view that notes a case without naming its page is logged under its URL name, so every
    URL name must read as a page (the management site's pages are named by their model)."""
    management_site = ("admin:", "admin/")  # its named pages, and its patterns that have no name
    unnamed = [page.name for page in all_pages()
               if not page.name.startswith(management_site) and page_name(page.name) is None]  # fmt: skip
    assert unnamed == []


@pytest.mark.parametrize(
    ("what", "dutch"),
    [
        ("case", "zaak"),
        ("history", "geschiedenis"),
        ("subject-access", "inzage-export"),
        ("duplicate check", "controle op een bestaande zaak"),
        ("consent overview for the parent", "toestemmingsoverzicht voor de ouder"),
        ("referral package regelrecht", "verwijspakket regelrecht"),
        ("figures:calls-per-week:4w", "cijfers: Gesprekken per week, 4 weken"),
        ("admin consentrecord list", "beheer: lijst toestemmingen"),
        ("admin case history", "beheer: geschiedenis van zaak"),
        ("intake:caller_edit", "gegevens van de beller"),
    ],
)
def test_what_a_log_row_names_reads_in_dutch(what, dutch, db):
    assert access_words("view", what).page == dutch


@pytest.mark.parametrize(
    ("what", "dutch"),
    [
        ("search by admin case list: 2 found", "gezocht in het beheer (zaken): 2 zaken"),
        ("search by reference: nothing found", "gezocht op zaaknummer: niets gevonden"),
        ("search by phone", "gezocht op telefoonnummer"),  # written before searches counted
    ],
)
def test_a_search_row_reads_in_dutch(what, dutch, db):
    assert str(access_words("search", what)) == dutch


def test_a_row_of_an_unknown_page_still_shows_what_it_was(db):
    """Rows written before a page got its name are not hidden."""
    assert str(access_words("view", "something new")) == "bekeken: something new"


def test_the_access_log_keeps_the_codes_and_the_team_lead_reads_the_words(team_lead_client, advisor_client, advisor):
    case = case_with_call(advisor)
    advisor_client.get(case.get_absolute_url())
    assert AccessLog.objects.get(user=advisor).what == "case"  # the stored code, for filtering and exports
    assert "bekeken zaak" in _part(team_lead_client.get(reverse("access_log")).content.decode(), "access-entry")

