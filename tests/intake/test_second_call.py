"""A call on an existing case starts from the case's facts: the advisor changes what the parent
says is different now, and a call that only adds notes leaves the case's facts and advice as they were."""

import re

import pytest
from django.urls import reverse

from intake.models import Call
from tests.factories import case_with_call
from tests.intake.support import days_ago, form_values, minutes_ago

# Every key question and fact the call form carries, as the case's latest call answered them.
KEY_FACTS = ("steps_taken", "conflict", "disagrees_with_advice", "at_home", "at_home_since", "care_involved",
             "legal_procedure", "truancy")  # fmt: skip

SIX_WEEKS_AT_HOME = {
    "steps_taken": ["teacher", "school_board"],
    "conflict": "yes",
    "disagrees_with_advice": True,
    "at_home": "yes",
    "at_home_since": days_ago(6 * 7 + 2),
    "care_involved": True,
    "legal_procedure": False,
    "truancy": False,
}
AT_RISK_AND_TRUANT = {
    "steps_taken": ["attendance_officer"],
    "conflict": "no",
    "disagrees_with_advice": False,
    "at_home": "at_risk",
    "at_home_since": days_ago(10),
    "care_involved": False,
    "legal_procedure": True,
    "truancy": True,
}
FACT_SETS = pytest.mark.parametrize("facts", [SIX_WEEKS_AT_HOME, AT_RISK_AND_TRUANT], ids=["at home", "at risk"])


def facts_case(advisor, facts: dict, school_type: str = "vo"):
    case = case_with_call(advisor, **{name: value for name, value in facts.items()})
    case.child.school_type = school_type
    case.child.save()
    return case


def call_form_url(case) -> str:
    return reverse("intake:call_add", args=[case.reference])


def facts_of(call: Call) -> dict:
    return {name: getattr(call, name) for name in KEY_FACTS}


def advice_verdicts(html: str) -> dict[str, str]:
    """Each organisation the advice names, with its verdict."""
    return dict(re.findall(r'data-testid="advice-([\w-]+)" data-verdict="(\w+)"', html))


def only_notes_added(advisor_client, case, notes: str = "Ouder belt alleen even bij.") -> None:
    """The advisor opens the call form on the case, types notes and saves: nothing else touched."""
    url = call_form_url(case)
    shown = form_values(advisor_client.get(url).content.decode())
    shown.pop("gesprek-notes", None)
    response = advisor_client.post(url, {**shown, "gesprek-notes": notes, "gesprek-started_at": minutes_ago(1)})
    assert response.status_code == 302, response.content.decode()


@FACT_SETS
def test_the_call_form_on_a_case_starts_from_the_cases_facts(advisor_client, advisor, facts):
    case = facts_case(advisor, facts)

    shown = form_values(advisor_client.get(call_form_url(case)).content.decode())

    assert sorted(shown.get("gesprek-steps_taken", [])) == sorted(facts["steps_taken"])
    assert shown["gesprek-conflict"] == [facts["conflict"]]
    assert shown["gesprek-at_home"] == [facts["at_home"]]
    assert shown["gesprek-at_home_since"] == [facts["at_home_since"]]
    for box in ("disagrees_with_advice", "care_involved", "legal_procedure", "truancy"):
        assert (f"gesprek-{box}" in shown) == facts[box], box
    # What was said and done in the last call is not this call's: those start empty.
    assert not {"gesprek-notes", "gesprek-advice", "gesprek-next_step", "gesprek-duration_minutes"} & set(shown)


@FACT_SETS
def test_a_second_call_with_only_notes_keeps_every_fact_of_the_case(advisor_client, advisor, facts):
    case = facts_case(advisor, facts)
    first = case.calls.get()

    only_notes_added(advisor_client, case)

    second = case.calls.exclude(pk=first.pk).get()
    assert second.notes == "Ouder belt alleen even bij."
    assert facts_of(second) == facts_of(first)
    case.refresh_from_db()
    assert (case.at_home, case.at_home_since) == (first.at_home, first.at_home_since)


def test_a_second_call_with_only_notes_keeps_six_weeks_at_home_and_the_advice(advisor_client, advisor):
    case = facts_case(advisor, SIX_WEEKS_AT_HOME)
    page = advisor_client.get(case.get_absolute_url()).content.decode()
    advice_before = advice_verdicts(page)
    assert "6 weken thuis" in page and advice_before["onderwijsconsulent"] == "recommended"

    only_notes_added(advisor_client, case)

    page = advisor_client.get(case.get_absolute_url()).content.decode()
    assert "6 weken thuis" in page
    assert advice_verdicts(page) == advice_before


def test_what_the_advisor_changes_on_the_second_call_is_what_changes(advisor_client, advisor):
    case = facts_case(advisor, SIX_WEEKS_AT_HOME)
    url = call_form_url(case)
    shown = form_values(advisor_client.get(url).content.decode())

    # Back at school since Monday; the rest as it was.
    advisor_client.post(url, {**shown, "gesprek-at_home": "no", "gesprek-started_at": minutes_ago(1)})

    first, latest = case.calls.order_by("started_at")
    assert facts_of(latest) == {**facts_of(first), "at_home": "no", "at_home_since": None}


@FACT_SETS
def test_the_advice_beside_the_call_form_is_the_cases_advice(advisor_client, advisor, facts):
    case = facts_case(advisor, facts)
    on_case_page = advice_verdicts(advisor_client.get(case.get_absolute_url()).content.decode())

    # The panel beside the form asks for the advice with the form's fields, as htmx sends them.
    shown = form_values(advisor_client.get(call_form_url(case)).content.decode())
    preview = advisor_client.get(reverse("referrals:advice_preview"), {**shown, "zaak": case.reference})

    assert advice_verdicts(preview.content.decode()) == on_case_page
