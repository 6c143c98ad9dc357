"""The loket directory holds public contact facts only: every phone number in loketten.json is one
the organisation publishes, and a directory loaded before a wrong value was taken out loses it
too (unless a team lead has changed it since)."""

import importlib
import json

import pytest
from django.apps import apps

from referrals.directory import DATA_FILE
from referrals.models import Loket

migration = importlib.import_module("referrals.migrations.0002_directory_public_facts_only")

# Each number with where the organisation publishes it. Add a number only with its public source.
PUBLISHED_PHONES = {
    "onderwijsconsulent": "070 312 28 87",  # onderwijsconsulenten.nl/aanmelden
    "juridisch-loket": "0900 8020",  # juridischloket.nl, "Onze werkwijze"
}


def _directory() -> dict[str, dict]:
    return {row["code"]: row for row in json.loads(DATA_FILE.read_text(encoding="utf-8"))["loketten"]}


def test_every_phone_number_in_the_directory_is_a_published_one():
    phones = {code: row["phone"] for code, row in _directory().items() if row.get("phone")}
    assert phones == PUBLISHED_PHONES


def test_the_kinderombudsman_takes_a_complaint_after_the_organisation_itself_answered():
    assert "eerst" in _directory()["kinderombudsman"]["preconditions"]


@pytest.fixture
def loaded_before_the_correction(db):
    """The directory as an earlier loketten.json loaded it."""
    for code, values in migration.SHIPPED_BEFORE.items():
        loket = Loket.objects.get(code=code)
        for field, (old, _new) in values.items():
            setattr(loket, field, old)
        loket.save()


def test_the_values_shipped_before_are_corrected(loaded_before_the_correction):
    migration.directory_correct(apps, None)

    ombudsman, regelrecht = Loket.objects.get(code="kinderombudsman"), Loket.objects.get(code="regelrecht")
    assert (ombudsman.phone, ombudsman.website) == ("", "https://www.kinderombudsman.nl/")
    assert regelrecht.website == ""


def test_what_a_team_lead_changed_is_left_alone(loaded_before_the_correction):
    ombudsman = Loket.objects.get(code="kinderombudsman")
    ombudsman.phone = "088 000 0000"  # a team lead's own entry
    ombudsman.save()

    migration.directory_correct(apps, None)
    migration.directory_correct(apps, None)  # a second run changes nothing

    assert Loket.objects.get(code="kinderombudsman").phone == "088 000 0000"
