"""The data migration that takes names and withdrawal reasons out of refusals logged before
refusal codes existed, in the live rows and in their history."""

import importlib

import pytest
from django.apps import apps

from consent.models import Disclosure, Purpose
from tests.factories import case_with_call

migration = importlib.import_module("consent.migrations.0003_refusals_without_personal_data")

OLD_REFUSALS = {
    "De toestemming is ingetrokken op 3 maart 2026 14:05: verhuisd naar Spanje": (
        "withdrawn", "De toestemming is ingetrokken."),
    "De toestemming is gegeven door iemand zonder (bekend) gezag: Henk Draftman.": (
        "no_authority", "De toestemming is gegeven door iemand zonder (bekend) gezag."),
    "The consent was withdrawn on 3 March 2026 14:05: Henk Draftman moved": (
        "withdrawn", "De toestemming is ingetrokken."),
    "Geweigerd want Henk Draftman belde op": (
        "legacy", "Niet toegestaan; de reden van vóór de weigeringscodes is niet bewaard."),
    # Built from facts that name no one: the text stays, the code is added.
    "De toestemming dekt niet: Gezondheids- en zorggegevens.": (
        "category_not_covered", "De toestemming dekt niet: Gezondheids- en zorggegevens."),
    "De toestemming is verlopen op 1 maart 2026 23:59.": (
        "expired", "De toestemming is verlopen op 1 maart 2026 23:59."),
}


@pytest.fixture
def old_refusals(advisor):
    case = case_with_call(advisor)
    purpose = Purpose.objects.get(code="share-summary-consultant")
    for text in OLD_REFUSALS:
        log = Disclosure(case=case, purpose=purpose, recipient_code="onderwijsconsulent", categories=["contact"],
                         allowed=False, refusal=text, made_by=advisor)
        log._history_user = advisor
        log.save()


def test_old_refusals_lose_names_and_reasons_in_the_rows_and_their_history(old_refusals):
    migration.refusals_scrub(apps, None)

    rows = list(Disclosure.objects.order_by("id").values_list("refusal_code", "refusal"))
    history = list(Disclosure.history.order_by("id").values_list("refusal_code", "refusal"))
    assert rows == history == list(OLD_REFUSALS.values())
    everything = repr([*Disclosure.objects.values(), *Disclosure.history.values()])
    assert "Henk" not in everything and "Spanje" not in everything


def test_refusals_with_a_code_are_left_alone(old_refusals):
    migration.refusals_scrub(apps, None)
    migration.refusals_scrub(apps, None)  # a second run changes nothing
    assert list(Disclosure.objects.order_by("id").values_list("refusal_code", "refusal")) == list(
        OLD_REFUSALS.values()
    )
