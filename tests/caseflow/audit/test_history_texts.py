"""The case's history, "who looked" and the access log read as Dutch sentences (issue 20).

Each test renders the page as a team lead reads it and asserts the Dutch text, and that the raw
value it replaces (an English word, a code, a database id, True/False) is not on it.
"""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise

from caseflow.accounts import roles
from caseflow.audit.access_log import access_words, page_name
from caseflow.audit.models import AccessLog
from caseflow.audit.personal_data import personal_data
from caseflow.audit.retention import case_erase
from caseflow.callbacks.reminders import callbacks_remind_due
from caseflow.callbacks.services import callback_schedule
from consent.models import Purpose
from consent.services import consent_give, consent_withdraw, disclosure_make
from intake import services as intake
from referrals.models import Loket
from referrals.selectors import advice_for_case
from referrals.services import referral_make
from tests.caseflow.audit import test_access_logged as walk
from tests.factories import CallerFactory, UserFactory, case_with_call
from tests.querycount import numbered, page_queries
from tests.signin import sign_in_fully, signed_in_client
from tests.urlwalk import all_pages


def _text(html: str) -> str:
    """As read: without tags, unescaped (a generated name may hold an apostrophe: "van 't Riet")."""
    return unescape(" ".join(re.sub(r"<[^>]+>", " ", html).split()))


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



# --- The case's history ------------------------------------------------------------------------

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
THURSDAY_3_DEC = dt.datetime(2026, 12, 3, 10, 15, tzinfo=AMSTERDAM)
TUESDAY_8_DEC = dt.datetime(2026, 12, 8, 10, 0, tzinfo=AMSTERDAM)


def _history(client, case) -> str:
    return client.get(reverse("case_history", args=[case.reference])).content.decode()


def _changes(html: str) -> list[str]:
    """Each change of the history as text, newest first: its line, then its fields."""
    return [_text(part.split("</li>")[0]) for part in html.split('data-testid="history-change">')[1:]]


def _fields(html: str) -> list[tuple[str, str, str]]:
    """(label, before, after) of every field of every change."""
    rows = re.findall(r'data-testid="history-field"><th[^>]*>(.*?)</th><td[^>]*><del>(.*?)</del></td><td>(.*?)</td>',
                      html, re.S)  # fmt: skip
    return [tuple(_text(cell) for cell in row) for row in rows]


def _fields_of(html: str, label: str) -> list[tuple[str, str]]:
    return [(before, after) for name, before, after in _fields(html) if name == label]


def _case_with_everything(advisor, other_advisor, *, loket_code="onderwijsconsulent"):
    """A case on Thursday 3 December 2026 at 10:15: its call, a referral, a consent that was used
    and then withdrawn (a task to inform the recipient), and a call-back next Tuesday at 10:00."""
    case = case_with_call(advisor, caller_name="Fatima el Amrani", steps_taken=["teacher", "care_coordinator"],
                          questions=["information", "mediation"], care_involved=True, truancy=False)  # fmt: skip
    loket = Loket.objects.get(code=loket_code)
    referral_make(case=case, loket=loket, by=other_advisor, advice=None, manual_reason="Vastgelopen")
    purpose = Purpose.objects.get(code="share-summary-consultant")
    record = consent_give(
        case=case, purpose=purpose, recipient_code=loket.code, recipient_name=loket.name,
        categories=["contact", "school"], child_name="Yara", giver_id=None, giver_name="Fatima el Amrani",
        giver_authority="yes", method="phone", valid_until=THURSDAY_3_DEC + dt.timedelta(days=90), by=advisor,
    )  # fmt: skip
    disclosure_make(case=case, purpose=purpose, recipient_code=loket.code, categories=["contact"], by=other_advisor,
                    content=lambda categories: b"samenvatting")  # fmt: skip
    consent_withdraw(record=record, by=advisor, reason="De ouder wil het niet meer")
    callback_schedule(case=case, by=advisor, assigned_to=other_advisor, due_at=TUESDAY_8_DEC,
                      window_minutes=15, subject="Uitslag bespreken", phone="+31612345678")  # fmt: skip
    return case


@pytest.fixture
def thursday(time_machine):
    time_machine.move_to(THURSDAY_3_DEC, tick=False)


def test_the_history_shows_yes_no_and_the_labels_of_choices_never_raw_values(thursday, team_lead, advisor,
                                                                             other_advisor):  # fmt: skip
    case = _case_with_everything(advisor, other_advisor)

    html = _history(signed_in_client(team_lead), case)

    assert _fields_of(html, "er is zorg betrokken") == [("—", "Ja")]
    assert _fields_of(html, "het verzuim is spijbelen") == [("—", "Nee")]
    assert _fields_of(html, "al gezette stappen") == [("—", "Leerkracht, Intern begeleider / zorgcoördinator")]
    assert _fields_of(html, "wat de ouder vraagt") == [("—", "Informatie, Bemiddeling tussen ouder en school")]
    assert ("—", "Contactgegevens, Schoolgegevens") in _fields_of(html, "soorten gegevens")
    assert _fields_of(html, "hoe gegeven") == [("—", "Telefonisch")]
    assert _fields_of(html, "regel") == [("—", "eigen oordeel")]  # a referral made without the rules' advice
    page = _text(html)
    for raw in ("True", "False", "None", "['", "care_coordinator", "information", "phone_in"):
        assert raw not in page, raw


def test_the_history_names_linked_rows_and_people_never_their_ids(thursday, team_lead, advisor, other_advisor):
    case = _case_with_everything(advisor, other_advisor)

    html = _history(signed_in_client(team_lead), case)

    assert _fields_of(html, "loket") == [("—", "Onderwijsconsulenten")]
    assert ("—", str(other_advisor)) in _fields_of(html, "gemaakt door")  # the referral's and the disclosure's
    the_call_and_the_call_back = [("—", str(advisor)), ("—", str(other_advisor))]
    assert sorted(_fields_of(html, "adviseur")) == sorted(the_call_and_the_call_back)
    consent = "toestemming Samenvatting delen met de onderwijsconsulent voor Onderwijsconsulenten"
    assert _fields_of(html, "toestemming") == [("—", consent)]  # the task to inform the recipient
    assert _fields_of(html, "onder toestemmingen") == [("—", consent)]  # the disclosure
    counts = {"duur (minuten)", "poging", "aantal keer verzet", "getoonde tekstversie", "geboortejaar"}
    assert [(label, after) for label, _, after in _fields(html) if re.fullmatch(r"\d+", after)
            and label not in counts] == []  # fmt: skip
    assert "made by" not in _text(html)


def test_each_change_says_what_changed_by_its_kind_and_name(thursday, team_lead, advisor, other_advisor):
    case = _case_with_everything(advisor, other_advisor)

    changes = _changes(_history(signed_in_client(team_lead), case))

    lines = " | ".join(changes)
    for what in (f"aangemaakt Zaak {case.reference}", "aangemaakt Beller Fatima el Amrani", "aangemaakt Kind Yara",
                 "aangemaakt Gesprek wo 2 dec 2026 10:15", "aangemaakt Verwijzing naar Onderwijsconsulenten",
                 "gewijzigd Toestemming Samenvatting delen met de onderwijsconsulent voor Onderwijsconsulenten",
                 "aangemaakt Terugbelverzoek di 8 dec 2026 10:00"):  # fmt: skip
        assert what in lines, what
    assert not re.search(r"\b(Zaak|Beller|Kind|Gesprek|Verwijzing|Toestemming|Verstrekking|Terugbelverzoek) \d+\b",
                         lines)  # fmt: skip


def test_the_history_writes_moments_in_amsterdam_in_dutch(thursday, team_lead, advisor, other_advisor):
    case = _case_with_everything(advisor, other_advisor)

    html = _history(signed_in_client(team_lead), case)

    assert _changes(html)[0].startswith("do 3 dec 2026 10:15")
    assert _fields_of(html, "begin") == [("—", "wo 2 dec 2026 10:15")]  # the call, the day before
    assert _fields_of(html, "gepland om") == [("—", "di 8 dec 2026 10:00")]
    assert "2026-12" not in _text(html) and "+00:00" not in html and "december" not in _text(html)


def test_a_case_never_names_itself_on_each_row_of_its_own_history(thursday, team_lead, advisor, other_advisor):
    case = _case_with_everything(advisor, other_advisor)

    assert _fields_of(_history(signed_in_client(team_lead), case), "zaak") == []


def test_the_history_reads_a_constant_number_of_queries_at_2_and_at_20_changes(thursday, team_lead, advisor,
                                                                              other_advisor):  # fmt: skip
    """One query per tracked model and one per model its rows link to (users, lokets), however many
    rows and whoever they name: no query per row."""
    client = signed_in_client(team_lead)
    case = case_with_call(advisor)
    url = reverse("case_history", args=[case.reference])
    opened = len(_changes(_history(client, case)))  # the case, its caller, child and call
    # Two changes more: a referral by another advisor, and the case's status moving to 'referred'.
    referral_make(case=case, loket=Loket.objects.get(code="regelrecht"), by=other_advisor, advice=None,
                  manual_reason="Vastgelopen")  # fmt: skip
    few = page_queries(client, url)
    assert len(_changes(_history(client, case))) == opened + 2

    lokets = Loket.objects.filter(direct_referral=True).exclude(code="regelrecht")[:6]
    for n, loket in enumerate(lokets):  # new users and lokets: each one more to name
        person = UserFactory(role=roles.ADVISOR)
        referral_make(case=case, loket=loket, by=person, advice=None, manual_reason=f"Reden {n}")
        intake.call_log(case=case, by=person, call={"notes": f"Gesprek {n}", "care_involved": n % 2 == 0}, topics=[])
        CallerFactory(case=case, by=person)
    many = page_queries(client, url)
    assert len(_changes(_history(client, case))) >= opened + 20

    assert len(few) == len(many), f"{numbered(few)}\n---\n{numbered(many)}"


def test_every_field_of_a_model_in_the_history_has_a_dutch_label():
    """The history's labels are the fields' verbose names: each one written for translation
    (Django's default from the field's name, 'made by', is English) and translated."""
    dutch = translation.trans_real.translation("nl")._catalog
    unnamed = []
    for entry in personal_data():
        for field in entry.model._meta.concrete_fields:
            if field.primary_key:
                continue  # never shown
            with translation.override("en"):
                source = str(field.verbose_name)
            if not isinstance(field.verbose_name, Promise) or source not in dutch:
                unnamed.append(f"{entry.model._meta.label}.{field.name}: {source!r}")
    assert unnamed == []


# --- The subject access export -------------------------------------------------------------------


def test_the_printable_subject_access_export_reads_labels_and_names(thursday, team_lead, advisor, other_advisor):
    case = _case_with_everything(advisor, other_advisor)

    html = signed_in_client(team_lead).get(reverse("subject_access", args=[case.reference])).content.decode()

    rows = re.findall(r'<tr><th[^>]*>(.*?)</th><td>(.*?)</td></tr>', html, re.S)
    fields = {(_text(label), _text(value)) for label, value in rows}
    assert {("Er is zorg betrokken", "Ja"), ("Al gezette stappen", "Leerkracht, Intern begeleider / zorgcoördinator"),
            ("Loket", "Onderwijsconsulenten"), ("Gemaakt door", str(other_advisor)),
            ("Soorten gegevens", "Contactgegevens, Schoolgegevens"), ("Gepland om", "di 8 dec 2026 10:00")} <= fields
    page = _text(html)
    assert "Gemaakt op do 3 dec 2026 10:15" in page
    assert "geëxporteerd: inzage-export" in page  # it lists itself in who looked
    for raw in ("True", "False", "care_coordinator", "made_by_id", "case_id", "2026-12-", "subject-access"):
        assert raw not in page, raw


def test_the_subject_access_json_keeps_the_codes_for_machines(thursday, team_lead, advisor, other_advisor):
    case = _case_with_everything(advisor, other_advisor)

    url = reverse("subject_access", args=[case.reference])
    export = signed_in_client(team_lead).get(url, {"formaat": "json"}).json()

    calls = next(section for section in export["sections"] if section["model"] == "intake.Call")
    assert calls["rows"][0]["steps_taken"] == ["teacher", "care_coordinator"]
    assert calls["rows"][0]["care_involved"] is True
    referral = next(section for section in export["sections"] if section["model"] == "referrals.Referral")
    assert referral["rows"][0]["made_by_id"] == other_advisor.pk
    assert export["access_log"][-1]["what"] == "subject-access.json"


def test_why_the_system_changed_something_reads_in_dutch_with_the_persons_name(thursday, team_lead, advisor,
                                                                               other_advisor):  # fmt: skip
    """A reminder is sent by the beat task on behalf of the planner; the row keeps that in words
    for machines ("system: reminder sent, on behalf of anna"), the page says it in Dutch."""
    case = case_with_call(advisor)
    callback_schedule(case=case, by=advisor, assigned_to=other_advisor, due_at=TUESDAY_8_DEC,
                                window_minutes=15, subject="Uitslag bespreken", phone="+31612345678")  # fmt: skip
    callbacks_remind_due(now=TUESDAY_8_DEC)
    case_erase(case=case, by=team_lead, reason="Verzoek van de ouder, 3 december")

    html = _history(signed_in_client(team_lead), case)
    changes = _changes(html)

    assert _fields_of(html, "reden anonimisering") == [("—", "gewist op verzoek")]
    assert any(f"(systeem: herinnering verstuurd, namens {advisor})" in change for change in changes)
    assert any("(geanonimiseerd: gewist op verzoek)" in change for change in changes)
    assert not any("on behalf of" in change or "anonymised:" in change for change in changes)


# --- True/False/None anywhere else -------------------------------------------------------------

_RAW = re.compile(r"\b(None|True|False)\b|\['")


def _visible_text(html: str) -> str:
    return _text(re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S))


def test_no_page_shows_true_false_none_or_a_python_list(advisor, team_lead):
    """Every page of the project, as advisor and as team lead, on a case that has something on
    every page and leaves optional facts empty (the child's age, the school)."""
    with time_machine.travel(walk.MORNING, tick=True):
        case, ids = walk._case_shown_everywhere(advisor, team_lead)
        case.refresh_from_db()
        intake.child_update(case=case, expected_version=case.version, by=advisor,
                            fields={"birth_year": None, "school_name": "", "swv": ""})  # fmt: skip
        raw = []
        for role, user in {"advisor": advisor, "team lead": team_lead}.items():
            # A page that fails on the walk's example object (an admin page of id 1) is another
            # test's matter: it shows nothing here.
            client = sign_in_fully(Client(raise_request_exception=False), user)
            for page in all_pages():
                path = walk._path(page, ids, case)
                response = client.get(path)
                if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                    continue
                found = _RAW.search(_visible_text(response.content.decode()))
                if found:
                    raw.append(f"{page.name} as {role}: {found.group(0)!r}")
    assert raw == [], "\n".join(raw)


def test_the_referral_package_shows_no_none_for_a_fact_not_known(advisor_client, advisor):
    """A child without a year of birth has no age: the package says nothing, not 'None'."""
    case = case_with_call(advisor, birth_year=None)
    loket = Loket.objects.get(code="onderwijsconsulent")
    referral = referral_make(case=case, loket=loket, by=advisor, advice=None, manual_reason="Vastgelopen")
    consent_give(
        case=case, purpose=Purpose.objects.get(code="share-summary-consultant"), recipient_code=loket.code,
        recipient_name=loket.name, categories=["school", "support"], child_name="Yara", giver_id=None,
        giver_name="Fatima el Amrani", giver_authority="yes", method="phone",
        valid_until=dt.datetime.now(tz=AMSTERDAM) + dt.timedelta(days=9), by=advisor,
    )  # fmt: skip

    page = advisor_client.post(reverse("referrals:send_package", args=[case.reference, referral.pk]), follow=True)

    package = _text(page.content.decode().split('data-testid="package"')[1].split("</dl>")[0])
    assert "Yara" in package and not _RAW.search(package), package


def test_a_referral_on_the_rules_advice_names_what_the_rule_advised_not_its_code(thursday, team_lead, advisor):
    case = case_with_call(advisor, steps_taken=[])  # not talked to the school yet: the school first
    advice = next(item for item in advice_for_case(case) if Loket.objects.get(code=item.loket).direct_referral)
    referral_make(case=case, loket=Loket.objects.get(code=advice.loket), by=advisor, advice=advice)

    html = _history(signed_in_client(team_lead), case)

    loket_name = Loket.objects.get(code=advice.loket).name
    assert _fields_of(html, "regel") == [("—", f"advies voor {loket_name}")]
    assert advice.rule not in _text(html)
