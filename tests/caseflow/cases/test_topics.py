"""A database without topics gets the helpline's first list after migrate (and after a test's
flush); one whose topics a team lead changed keeps them as they are."""

import pytest
from django.core.management.sql import emit_post_migrate_signal

from caseflow.cases.models import Topic
from caseflow.cases.topics import FIRST_TOPICS

pytestmark = pytest.mark.django_db


def _migrated() -> None:
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")


def test_a_database_without_topics_gets_the_first_list_in_its_order():
    Topic.objects.all().delete()

    _migrated()

    assert list(Topic.objects.values_list("code", "name")) == FIRST_TOPICS


def test_the_topics_a_team_lead_changed_stay_as_they_are():
    Topic.objects.filter(code="vervoer").delete()
    Topic.objects.filter(code="overig").update(name="Iets anders")
    Topic.objects.create(code="pesten", name="Pesten")

    _migrated()

    codes = set(Topic.objects.values_list("code", flat=True))
    assert "vervoer" not in codes and "pesten" in codes
    assert Topic.objects.get(code="overig").name == "Iets anders"
