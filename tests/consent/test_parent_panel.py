"""The Landelijk Ouderpanel (issue 21): the advisor offers it at the end of a call, the parent's yes
is a consent of its own (purpose "ouderpanel", recipient the panel, contact details only), as
easy to withdraw as every other, and the team lead exports the panel's contact list only through
the consent gate, each case's part logged as a disclosure and the export in the access log.

Joining needs no parental authority: it is the parent's choice about their own contact details,
not about the child's data (consent/data/purposes.json, needs_parental_authority).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caseflow.audit.models import AccessAction, AccessLog
from consent.models import ConsentRecord, Disclosure, Purpose, RecipientNotice
from consent.services import consent_gate, consent_give, consent_withdraw
from tests.factories import CallerFactory, case_with_call
from tests.querycount import assert_constant_queries
from tests.signin import signed_in_client

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
GIVEN = dt.datetime(2026, 3, 2, 10, 0, tzinfo=AMSTERDAM)
EXPORTED = dt.datetime(2026, 6, 1, 10, 0, tzinfo=AMSTERDAM)
PANEL_PURPOSE, PANEL = "ouderpanel", "landelijk-ouderpanel"
HEADER = ["Naam", "Telefoon", "E-mail"]


@pytest.fixture
def given(time_machine):
    time_machine.move_to(GIVEN, tick=False)
    return time_machine


def _purpose() -> Purpose:
    return Purpose.objects.get(code=PANEL_PURPOSE)


def _member(advisor, name: str, number: int, *, authority="yes", valid_until=GIVEN + dt.timedelta(days=365)):
    """A case whose caller joined the panel (recorded through the service, as the form does)."""
    case = case_with_call(advisor, caller_name=name, phone=f"+316123450{number:02}")
    caller = case.callers.get()
    caller.email, caller.parental_authority = f"ouder{number}@example.nl", authority
    caller.save()
    consent_give(
        case=case, purpose=_purpose(), recipient_code=PANEL, recipient_name="Landelijk Ouderpanel",
        categories=["contact"], child_name="Yara", giver_id=caller.pk, giver_name=name, giver_authority=authority,
        method="phone", valid_until=valid_until, by=advisor,
    )  # fmt: skip
    return case


def _export(client) -> list[list[str]]:
    response = client.post(reverse("consent:panel_export"))
    assert response.status_code == 200, response.content.decode()[:500]
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="ouderpanel-')
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _exported_at(moment, time_machine, team_lead) -> list[list[str]]:
    time_machine.move_to(moment, tick=False)
    return _export(signed_in_client(team_lead))  # signed in after the clock moved: a session lasts 12 hours


# --- Offering, and recording the parent's yes ---------------------------------------------------


def test_the_case_page_offers_the_panel_through_the_consent_form_with_purpose_and_recipient(advisor_client, advisor):
    case = case_with_call(advisor)
    page = advisor_client.get(case.get_absolute_url()).content.decode()
    give = reverse("consent:give", args=[case.reference])
    assert f'href="{give}?doel={PANEL_PURPOSE}&amp;ontvanger={PANEL}"' in page
    assert "Ouderpanel aanbieden" in page

    form = advisor_client.get(give, {"doel": PANEL_PURPOSE, "ontvanger": PANEL}).content.decode()
    assert re.search(rf'<option value="{_purpose().pk}"[^>]*selected', form)
    assert re.search(rf'<option value="{PANEL}"[^>]*selected>Landelijk Ouderpanel</option>', form)
    assert re.search(r'<input[^>]*name="categories" value="contact"[^>]*checked', form)
    assert not re.search(r'<input[^>]*name="categories" value="health"[^>]*checked', form)


def test_the_text_to_read_out_says_what_the_panel_is_what_it_gets_and_how_to_leave_it(db):
    text = _purpose().text
    assert "Landelijk Ouderpanel" in text and "vrijwillig" in text
    assert "naam, telefoonnummer en e-mailadres" in text and "intrekken" in text
    assert _purpose().recipient_codes == [PANEL] and _purpose().category_codes == ["contact"]


def test_the_call_form_ends_with_the_offer_as_an_optional_step(advisor_client, advisor):
    case = case_with_call(advisor)
    for url in (reverse("intake:call_add", args=[case.reference]), reverse("intake:call_new")):
        page = advisor_client.get(url).content.decode()
        offer = page.index('data-testid="offer-parent-panel"')
        assert "Landelijk Ouderpanel" in page[offer:] and "Ouderpanel aanbieden" in page[offer:]
        assert offer < page.index('data-testid="save-call"')


def _form(case, **changes) -> dict:
    purpose = _purpose()
    return {
        "purpose": purpose.pk, "purpose_version": purpose.version, "recipient": PANEL, "categories": ["contact"],
        "giver": case.callers.get().pk, "method": "phone", "valid_until": "2099-01-01", **changes,
    }  # fmt: skip


def test_the_advisor_records_the_parents_yes_on_the_consent_form(advisor_client, advisor):
    case = case_with_call(advisor, caller_name="Fatima el Amrani")
    response = advisor_client.post(reverse("consent:give", args=[case.reference]), _form(case))
    assert response.status_code == 302
    record = ConsentRecord.objects.get()
    assert (record.purpose.code, record.recipient_code, record.categories) == (PANEL_PURPOSE, PANEL, ["contact"])
    assert record.recipient_name == "Landelijk Ouderpanel" and record.purpose_text == _purpose().text
    panel = advisor_client.get(case.get_absolute_url()).content.decode()
    assert re.search(r'data-state="given">\s*<td>Aanmelden voor het Landelijk Ouderpanel', panel)


@pytest.mark.parametrize("authority", ["no", "unknown"])
def test_a_parent_without_parental_authority_may_still_join(advisor_client, advisor, authority):
    """Their own name and number, not the child's data: the panel needs no gezag."""
    case = case_with_call(advisor)
    caller = case.callers.get()
    caller.parental_authority = authority
    caller.save()
    response = advisor_client.post(reverse("consent:give", args=[case.reference]), _form(case))
    assert response.status_code == 302, response.content.decode()
    gate = consent_gate(case=case, purpose=_purpose(), recipient_code=PANEL, categories=["contact"])
    assert gate.allowed, gate.reason
    assert "Telt niet mee" not in advisor_client.get(case.get_absolute_url()).content.decode()


def test_a_panel_consent_covers_contact_details_only(advisor_client, advisor):
    case = case_with_call(advisor)
    response = advisor_client.post(reverse("consent:give", args=[case.reference]),
                                   _form(case, categories=["contact", "health"]))  # fmt: skip
    assert response.status_code == 200 and not ConsentRecord.objects.exists()
    assert "gaat alleen over: Contactgegevens" in response.content.decode()


def test_the_other_parent_on_the_case_is_not_a_member_because_one_parent_joined(advisor, given, team_lead, settings):
    settings.CONSENT_BOTH_PARENTS = True  # the panel is each parent's own choice, never both parents'
    case = _member(advisor, "Fatima el Amrani", 1)
    CallerFactory(case=case, by=advisor, name="Karim el Amrani")
    rows = _exported_at(EXPORTED, given, team_lead)
    assert rows == [HEADER, ["Fatima el Amrani", "06 12345001", "ouder1@example.nl"]]


# --- The export: only through the gate, and logged ----------------------------------------------


def test_the_export_lists_exactly_the_parents_whose_consent_stands(advisor, given, team_lead):
    _member(advisor, "Anna Aanmelder", 1)
    _member(advisor, "Bart Zondergezag", 2, authority="no")
    withdrawn = _member(advisor, "Chris Ingetrokken", 3)
    _member(advisor, "Dirk Verlopen", 4, valid_until=GIVEN + dt.timedelta(days=30))
    case_with_call(advisor, caller_name="Eva Nietgevraagd")  # no panel consent at all
    consent_withdraw(record=ConsentRecord.objects.get(case=withdrawn), by=advisor, reason="Wil niet meer")

    rows = _exported_at(EXPORTED, given, team_lead)
    assert rows == [
        HEADER,
        ["Anna Aanmelder", "06 12345001", "ouder1@example.nl"],
        ["Bart Zondergezag", "06 12345002", "ouder2@example.nl"],
    ]


def test_each_export_logs_a_disclosure_per_case_and_an_access_row(advisor, given, team_lead):
    anna, bart = _member(advisor, "Anna Aanmelder", 1), _member(advisor, "Bart Aanmelder", 2)
    _exported_at(EXPORTED, given, team_lead)

    disclosures = {d.case_id: d for d in Disclosure.objects.all()}
    assert set(disclosures) == {anna.pk, bart.pk}
    for case in (anna, bart):
        disclosure = disclosures[case.pk]
        assert disclosure.allowed and disclosure.purpose.code == PANEL_PURPOSE
        assert (disclosure.recipient_code, disclosure.categories) == (PANEL, ["contact"])
        assert disclosure.consent_ids == [ConsentRecord.objects.get(case=case).pk]
        assert len(disclosure.content_sha256) == 64 and disclosure.made_by == team_lead
        assert disclosure.made_at == EXPORTED and disclosure.history.get().history_user == team_lead
    exports = AccessLog.objects.filter(user=team_lead, action=AccessAction.EXPORT)
    assert exports.filter(case=None, what="ouderpanel contact list").count() == 1
    assert set(exports.exclude(case=None).values_list("case_id", flat=True)) == {anna.pk, bart.pk}


def test_a_withdrawal_takes_the_parent_off_the_next_export_and_the_panel_is_to_be_told(
    advisor, given, team_lead
):
    case = _member(advisor, "Anna Aanmelder", 1)
    assert len(_exported_at(EXPORTED, given, team_lead)) == 2

    record = ConsentRecord.objects.get(case=case)
    advisor_client = signed_in_client(advisor)
    response = advisor_client.post(reverse("consent:withdraw", args=[case.reference, record.pk]),
                                   {"reason": "Wil niet meer meedoen"})  # fmt: skip
    assert response.status_code == 302

    assert _exported_at(EXPORTED + dt.timedelta(hours=1), given, team_lead) == [HEADER]
    assert RecipientNotice.objects.get(case=case).recipient_name == "Landelijk Ouderpanel"


def test_a_parent_who_joined_on_two_cases_is_listed_once(advisor, given, team_lead):
    _member(advisor, "Anna Aanmelder", 1)
    _member(advisor, "Anna Aanmelder", 1)
    assert _exported_at(EXPORTED, given, team_lead) == [HEADER, ["Anna Aanmelder", "06 12345001", "ouder1@example.nl"]]
    assert Disclosure.objects.filter(allowed=True).count() == 2


def test_a_name_that_looks_like_a_formula_is_written_as_text(advisor, given, team_lead):
    _member(advisor, "=HYPERLINK(1)", 1)
    assert _exported_at(EXPORTED, given, team_lead)[1][0] == "'=HYPERLINK(1)"


def test_a_member_whose_case_was_anonymised_is_not_exported_as_an_empty_row(advisor, given, team_lead):
    case = _member(advisor, "Anna Aanmelder", 1)
    caller = case.callers.get()
    caller.name = caller.phone = caller.email = ""
    caller.save()
    assert _exported_at(EXPORTED, given, team_lead) == [HEADER]


def test_the_export_runs_the_same_queries_for_5_members_as_for_50(advisor, given, team_lead):
    def measured() -> list[str]:
        given.move_to(EXPORTED, tick=False)
        lead = signed_in_client(team_lead)
        lead.get(reverse("consent:panel_export"))  # settles the session
        with CaptureQueriesContext(connection) as captured:
            assert lead.post(reverse("consent:panel_export")).status_code == 200
        given.move_to(GIVEN, tick=False)
        return [query["sql"] for query in captured.captured_queries]

    for number in range(5):
        _member(advisor, f"Ouder {number}", number)
    few = measured()
    for number in range(5, 50):
        _member(advisor, f"Ouder {number}", number)
    many = measured()
    assert Disclosure.objects.filter(allowed=True).count() == 5 + 50
    # Session, user, second-factor device, groups; the purpose; savepoint, the cases locked, their panel
    # consents, their callers, the disclosures and their history, release; the access log rows.
    assert_constant_queries(few, many, ceiling=13)


# --- Who may export ------------------------------------------------------------------------------


def test_the_team_leads_pages_link_to_the_export_page(team_lead_client):
    dashboard = team_lead_client.get(reverse("team_dashboard")).content.decode()
    assert f'href="{reverse("consent:panel_export")}"' in dashboard
    page = team_lead_client.get(reverse("consent:panel_export")).content.decode()
    assert "Landelijk Ouderpanel" in page and 'method="post"' in page


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_advisor_is_refused_the_export_and_it_is_logged(advisor, given, method, caplog):
    _member(advisor, "Anna Aanmelder", 1)
    with caplog.at_level(logging.WARNING, logger="caseflow.security"):
        response = getattr(signed_in_client(advisor), method)(reverse("consent:panel_export"))
    assert response.status_code == 403
    assert f"forbidden user_id={advisor.pk}" in caplog.text
    assert not Disclosure.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_anonymous_visitor_is_sent_to_sign_in(client, advisor, given, method):
    _member(advisor, "Anna Aanmelder", 1)
    response = getattr(client, method)(reverse("consent:panel_export"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert not Disclosure.objects.exists()
