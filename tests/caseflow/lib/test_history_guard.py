"""Tracked models refuse the writes that would skip their history."""

import pytest

from caseflow.callbacks.models import Callback
from caseflow.cases.models import Case
from caseflow.lib.history import UntrackedWriteRefused, bulk_create_tracked, writes_keeping_history_otherwise
from consent.models import ConsentRecord
from intake.models import Call, Caller, Child
from referrals.models import Referral
from tests.factories import case_with_call

TRACKED = [Case, Callback, Caller, Child, Call, Referral, ConsentRecord]


@pytest.mark.parametrize("model", TRACKED, ids=lambda m: m.__name__)
def test_update_and_bulk_writes_are_refused(db, model):
    with pytest.raises(UntrackedWriteRefused, match="would skip the history"):
        model.objects.all().update(pk=1)
    with pytest.raises(UntrackedWriteRefused):
        model.objects.bulk_create([])
    with pytest.raises(UntrackedWriteRefused):
        model.objects.bulk_update([], ["pk"])


def test_the_refused_update_changed_nothing(advisor):
    case = case_with_call(advisor=advisor, caller_name="Els de Wit")
    with pytest.raises(UntrackedWriteRefused):
        Caller.objects.filter(case=case).update(name="Iemand anders")
    assert Caller.objects.get(case=case).name == "Els de Wit"


def test_bulk_create_tracked_writes_a_history_row_per_object(advisor):
    case = case_with_call(advisor=advisor)
    before = Caller.history.count()
    bulk_create_tracked([Caller(case=case, name=f"Ouder {n}") for n in range(3)], Caller)
    assert Caller.history.count() == before + 3


def test_an_explicit_exception_is_allowed_and_ends_with_its_block(advisor):
    case = case_with_call(advisor=advisor)
    with writes_keeping_history_otherwise("test"):
        Case.objects.filter(pk=case.pk).update(summary="x")
    with pytest.raises(UntrackedWriteRefused):
        Case.objects.filter(pk=case.pk).update(summary="y")
