"""Referrals on the case page: one click on the advice, own judgement with a reason,
the lifecycle, the directory as data."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from caseflow.cases.models import CaseStatus
from referrals.models import Loket, Referral, ReferralStatus, RuleParameter
from tests.factories import case_with_call


@pytest.fixture
def at_home_case(advisor):
    """A primary-school child at home for six weeks, no steps taken yet."""
    import datetime as dt

    from django.utils import timezone

    case = case_with_call(advisor, at_home="yes", at_home_since=timezone.localdate() - dt.timedelta(weeks=6, days=2))
    case.child.school_type = "po"
    case.child.save()
    return case


def _advice_of(page: str, loket: str) -> str:
    start = page.index(f'data-testid="advice-{loket}"')
    return page[start : page.index("</li>", start)]


def test_the_directory_holds_every_organisation_of_the_domain(db):
    codes = set(Loket.objects.values_list("code", flat=True))
    assert codes >= {
        "school",
        "schoolbestuur",
        "samenwerkingsverband",
        "onderwijsconsulent",
        "onderwijszorgconsulent",
        "het-juiste-loket",
        "lansbrekers",
        "regelrecht",
        "juridisch-loket",
        "inspectie",
        "kinderombudsman",
        "kinderrechtenhelpdesk",
        "geschillencommissie",
        "college-rechten-mens",
        "leerplichtambtenaar",
    }
    assert not Loket.objects.get(code="lansbrekers").direct_referral
    assert Loket.objects.get(code="onderwijsconsulent").sends_personal_data


def test_loading_the_directory_again_keeps_what_team_leads_changed(db):
    Loket.objects.filter(code="regelrecht").update(phone="0800 1234")
    call_command("load_loketten", stdout=open("/dev/null", "w"))
    assert Loket.objects.get(code="regelrecht").phone == "0800 1234"


def test_the_case_page_shows_the_advice_with_its_reason(advisor_client, at_home_case):
    page = advisor_client.get(at_home_case.get_absolute_url()).content.decode()
    consultant = _advice_of(page, "onderwijsconsulent")
    assert 'data-verdict="recommended"' in consultant and "6 weken" in consultant and "consultant" in consultant


def test_one_click_refers_with_the_rule_and_waits_for_consent(advisor_client, advisor, at_home_case):
    response = advisor_client.post(
        reverse("referrals:refer", args=[at_home_case.reference]), {"loket": "onderwijsconsulent", "rule": "consultant"}
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert (referral.loket.code, referral.rule_id, referral.made_by) == ("onderwijsconsulent", "consultant", advisor)
    assert referral.status == ReferralStatus.WAITING_FOR_CONSENT  # personal data would leave
    assert "6 weken" in referral.reason and referral.rule_version
    assert referral.history.get().history_user == advisor
    at_home_case.refresh_from_db()
    assert at_home_case.status == CaseStatus.REFERRED


def test_a_loket_without_personal_data_is_simply_advised(advisor_client, at_home_case):
    advisor_client.post(
        reverse("referrals:refer", args=[at_home_case.reference]), {"loket": "school", "rule": "school-first"}
    )
    assert Referral.objects.get().status == ReferralStatus.ADVISED


def test_a_click_on_advice_the_rules_do_not_give_is_refused(advisor_client, at_home_case):
    response = advisor_client.post(
        reverse("referrals:refer", args=[at_home_case.reference]),
        {"loket": "juridisch-loket", "rule": "legal-procedure"},
    )
    assert response.status_code == 302 and "eigen" in response.url
    assert not Referral.objects.exists()


def test_own_judgement_needs_a_reason(advisor_client, at_home_case):
    url = reverse("referrals:refer_manual", args=[at_home_case.reference])
    refused = advisor_client.post(url, {"loket": "regelrecht", "reason": ""})
    assert "Dit veld is verplicht." in refused.content.decode() and not Referral.objects.exists()

    advisor_client.post(url, {"loket": "regelrecht", "reason": "Ouder wil eerst haar rechten kennen."})
    referral = Referral.objects.get()
    assert referral.is_manual and referral.reason == "Ouder wil eerst haar rechten kennen."


def test_lansbrekers_cannot_be_referred_to_even_by_hand(advisor_client, at_home_case):
    url = reverse("referrals:refer_manual", args=[at_home_case.reference])
    response = advisor_client.post(url, {"loket": "lansbrekers", "reason": "Toch proberen"})
    assert response.status_code == 200 and not Referral.objects.exists()
    page = advisor_client.get(at_home_case.get_absolute_url()).content.decode()
    lansbrekers = _advice_of(page, "lansbrekers")
    assert 'data-verdict="mention"' in lansbrekers and "<button" not in lansbrekers


def test_the_lifecycle_and_a_decline_needs_a_reason(advisor_client, advisor, at_home_case):
    advisor_client.post(
        reverse("referrals:refer", args=[at_home_case.reference]), {"loket": "school", "rule": "school-first"}
    )
    referral = Referral.objects.get()
    url = reverse("referrals:referral_status", args=[at_home_case.reference, referral.pk])

    assert advisor_client.post(url, {"status": "registered"}).status_code == 302
    assert advisor_client.post(url, {"status": "registered", "notes": "Aangemeld per mail"}).status_code == 302
    refused = advisor_client.post(url, {"status": "declined", "decline_reason": ""})
    assert "Zeg waarom de verwijzing is afgewezen." in refused.content.decode()
    declined = {"status": "declined", "decline_reason": "Geen plek", "notes": "Aangemeld per mail"}
    assert advisor_client.post(url, declined).status_code == 302
    final = advisor_client.post(url, {"status": "in_progress"})
    assert "Een verwijzing kan niet van" in final.content.decode()
    referral.refresh_from_db()
    assert (referral.status, referral.decline_reason, referral.notes) == ("declined", "Geen plek", "Aangemeld per mail")
    assert referral.history.count() == 4


def test_a_referral_waiting_for_consent_cannot_be_registered_yet(advisor_client, at_home_case):
    advisor_client.post(
        reverse("referrals:refer", args=[at_home_case.reference]), {"loket": "onderwijsconsulent", "rule": "consultant"}
    )
    referral = Referral.objects.get()
    url = reverse("referrals:referral_status", args=[at_home_case.reference, referral.pk])
    advisor_client.post(url, {"status": "registered"})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.WAITING_FOR_CONSENT


def test_changing_the_threshold_in_the_directory_changes_the_advice(advisor_client, at_home_case):
    RuleParameter.objects.filter(key="at_home_weeks_threshold").update(value=8)
    page = advisor_client.get(at_home_case.get_absolute_url()).content.decode()
    assert 'data-testid="advice-onderwijsconsulent"' not in page

    RuleParameter.objects.filter(key="at_home_weeks_threshold").update(value=4)
    page = advisor_client.get(at_home_case.get_absolute_url()).content.decode()
    assert 'data-testid="advice-onderwijsconsulent"' in page


def test_the_live_advice_follows_the_call_form(advisor_client, db):
    preview = reverse("referrals:advice_preview")
    at_home = advisor_client.get(
        preview,
        {
            "gesprek-at_home": "yes",
            "gesprek-at_home_since": "2020-01-06",
            "kind-school_type": "vo",
            "zaak": "",
        },
    ).content.decode()
    assert 'data-testid="advice-onderwijsconsulent"' in at_home
    truant = advisor_client.get(
        preview,
        {
            "gesprek-at_home": "yes",
            "gesprek-at_home_since": "2020-01-06",
            "kind-school_type": "vo",
            "gesprek-truancy": "on",
        },
    ).content.decode()
    assert 'data-verdict="not_here"' in _advice_of(truant, "onderwijsconsulent")
    assert 'data-testid="advice-leerplichtambtenaar"' in truant


def test_team_leads_edit_the_directory_and_advisors_do_not(team_lead_client, advisor_client, db):
    loket = Loket.objects.get(code="regelrecht")
    url = reverse("admin:referrals_loket_change", args=[loket.pk])
    assert team_lead_client.get(url).status_code == 200
    assert advisor_client.get(url).status_code == 403


def test_the_case_page_queries_do_not_grow_with_referrals(advisor_client, advisor, at_home_case):
    from referrals import services
    from tests.querycount import page_queries

    def count() -> int:
        return len(page_queries(advisor_client, at_home_case.get_absolute_url()))

    regelrecht = Loket.objects.get(code="regelrecht")
    services.referral_make(case=at_home_case, loket=regelrecht, by=advisor, advice=None, manual_reason="Rechten")
    one = count()
    for _ in range(9):
        services.referral_make(case=at_home_case, loket=regelrecht, by=advisor, advice=None, manual_reason="Nog eens")
    assert count() == one


# --- The package carries free text only under the category that covers it -----------------


@pytest.fixture
def referred_with_summary(advisor, at_home_case):
    from referrals import services

    at_home_case.summary = "kind heeft autisme"
    at_home_case._history_user = advisor
    at_home_case.save()
    consultant = Loket.objects.get(code="onderwijsconsulent")
    return services.referral_make(case=at_home_case, loket=consultant, by=advisor, advice=None,
                                  manual_reason="Thuiszitter")


def _consent_to(referral, advisor, categories):
    import datetime as dt

    from django.utils import timezone

    from consent.models import Purpose
    from consent.services import consent_give

    consent_give(
        case=referral.case, purpose=Purpose.objects.get(code="share-summary-consultant"),
        recipient_code=referral.loket.code, recipient_name=referral.loket.name, categories=categories,
        child_name="Yara", giver_id=None, giver_name="Fatima", giver_authority="yes", method="phone",
        valid_until=timezone.now() + dt.timedelta(days=30), by=advisor,
    )  # fmt: skip


def _package(client, referral, fmt="") -> str:
    url = reverse("referrals:send_package", args=[referral.case.reference, referral.pk])
    response = client.post(url, {"format": fmt}, follow=True)  # the page: after a redirect; the file: at once
    assert response.status_code == 200
    return response.content.decode()


def test_a_contact_only_consent_sends_no_case_summary(advisor_client, advisor, referred_with_summary):
    _consent_to(referred_with_summary, advisor, ["contact"])
    page, as_json = _package(advisor_client, referred_with_summary), _package(advisor_client, referred_with_summary,
                                                                              "json")
    assert "Fatima el Amrani" in page and "Fatima el Amrani" in as_json  # the contact details did go
    assert "autisme" not in page and "autisme" not in as_json


def test_a_consent_covering_free_text_sends_the_case_summary(advisor_client, advisor, referred_with_summary):
    _consent_to(referred_with_summary, advisor, ["contact", "notes"])
    page, as_json = _package(advisor_client, referred_with_summary), _package(advisor_client, referred_with_summary,
                                                                              "json")
    assert "kind heeft autisme" in page and "kind heeft autisme" in as_json
