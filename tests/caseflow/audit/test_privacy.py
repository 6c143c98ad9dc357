"""Retention, erasure and subject access: personal data does not outlive its purpose,
not even in the history tables, and a parent can see everything held about them."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
import time_machine
from django.apps import apps
from django.db import connection, models
from django.urls import reverse
from django.utils import timezone

from caseflow.audit.models import RetentionRun
from caseflow.audit.personal_data import personal_data
from caseflow.audit.retention import case_erase, case_hold, case_release, retention_cutoff, retention_run
from caseflow.audit.tasks import retention_nightly
from caseflow.callbacks import office_hours
from caseflow.callbacks.services import callback_finish, callback_schedule
from caseflow.cases.models import Case
from caseflow.cases.services import case_close, case_mark_reviewed, case_request_review, case_update
from caseflow.lib.history import writes_keeping_history_otherwise
from consent.models import Purpose
from consent.services import DisclosureRefused, consent_give, consent_withdraw, disclosure_make
from intake import services as intake
from intake.models import CallDraft, Caller, Child
from referrals.models import Loket
from referrals.services import referral_make, referral_set_status
from tests.factories import case_with_call

# Unique strings, one family per personal field; none of them may survive anonymisation.
CANARY = "Kanarie7Q"
PHONE = "+31687650123"
PHONE_DIGITS = "87650123"


def _canary(field: str, n: int = 1) -> str:
    return f"{CANARY}-{field}-{n}"


def _case_full_of_canaries(advisor, team_lead) -> Case:
    """A case with a canary in every personal field, each changed more than once (so in many history rows)."""
    case = case_with_call(
        advisor, caller_name=_canary("caller"), phone=PHONE, child_name=_canary("child"),
        notes=_canary("notes"), advice=_canary("advice"), next_step=_canary("next"),
    )  # fmt: skip
    caller = Caller.objects.get(case=case)
    for n in (2, 3):
        case.refresh_from_db()
        intake.caller_update(
            caller=caller, expected_version=case.version, by=advisor,
            fields={"name": _canary("caller", n), "phone": PHONE, "phone_alt": "+31201234567",
                    "email": f"{CANARY.lower()}{n}@example.nl"},
        )  # fmt: skip
        case.refresh_from_db()
        intake.child_update(
            case=case, expected_version=case.version, by=advisor,
            fields={"first_name": _canary("child", n), "school_name": _canary("school", n),
                    "municipality": _canary("town", n), "support_kind": _canary("support", n),
                    "swv": _canary("swv", n), "birth_date": dt.date(2014, 3, 1)},
        )  # fmt: skip
        case.refresh_from_db()
        case_update(
            case=case, expected_version=case.version, by=advisor, summary=_canary("summary", n), topics=[],
            owner=advisor,
        )  # fmt: skip
    intake.call_log(case=case, by=advisor, call={"notes": _canary("notes", 2)}, topics=[])

    slot = office_hours.slots(after=timezone.now(), days=1)[0]
    callback = callback_schedule(
        case=case, by=advisor, assigned_to=advisor, due_at=slot, window_minutes=15, subject=_canary("subject"),
        phone=PHONE,
    )  # fmt: skip
    callback_finish(callback=callback, by=advisor, status="not_reached", note=_canary("outcome"))

    referral = referral_make(
        case=case, loket=Loket.objects.get(code="regelrecht"), by=advisor, advice=None,
        manual_reason=_canary("reason"),
    )  # fmt: skip
    referral_set_status(referral=referral, by=advisor, status=referral.status, notes=_canary("refnotes"))

    record = consent_give(
        case=case, purpose=Purpose.objects.get(code="share-summary-consultant"), recipient_code="onderwijsconsulent",
        recipient_name="Onderwijsconsulenten", categories=["contact"], child_name=_canary("child", 3),
        giver_id=caller.pk, giver_name=_canary("caller", 3), giver_authority="yes", method="phone",
        valid_until=timezone.now() + dt.timedelta(days=90), by=advisor,
    )  # fmt: skip
    consent_withdraw(record=record, by=advisor, reason=_canary("withdrawal"))
    # A disclosure refused after the withdrawal: its refusal must not repeat the withdrawal's reason.
    with pytest.raises(DisclosureRefused):
        disclosure_make(case=case, purpose=record.purpose, recipient_code="onderwijsconsulent", categories=["contact"],
                        by=advisor, content=lambda categories: b"")  # fmt: skip
    declined = referral_make(case=case, loket=Loket.objects.get(code="juridisch-loket"), by=advisor, advice=None,
                             manual_reason=_canary("reason", 2))  # fmt: skip
    referral_set_status(referral=declined, by=advisor, status="declined", decline_reason=_canary("declined"))

    case_request_review(case=case, by=advisor, question=_canary("question"))
    case_mark_reviewed(case=case, by=team_lead, comment=_canary("comment"))
    intake.draft_save(
        author=advisor, slot=intake.draft_slot_for(case), case=case, form_token=uuid.uuid4(),
        data={"notes": [_canary("draft")]},
    )  # fmt: skip
    # A hold that was lifted again: its reason stays in the case's history.
    case_hold(case=case, by=team_lead, reason=_canary("hold"))
    case_release(case=case, by=team_lead)
    case.refresh_from_db()
    case_close(case=case, expected_version=case.version, by=advisor, reason="other", note=_canary("close"))
    return case


def _places_holding(text: str) -> list[str]:
    """Every table.column in the database whose value contains `text`."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
            for column in columns:
                q = connection.ops.quote_name
                cursor.execute(
                    f"SELECT COUNT(*) FROM {q(table)} WHERE CAST({q(column)} AS TEXT) LIKE %s", [f"%{text}%"]
                )
                if cursor.fetchone()[0]:
                    found.append(f"{table}.{column}")
    return found


def test_the_retention_task_leaves_no_trace_of_a_canary_case_anywhere(advisor, team_lead):
    case = _case_full_of_canaries(advisor, team_lead)
    # Before: the canaries are in the live rows and in many history rows.
    assert len(_places_holding(CANARY)) > 15
    assert any(place.startswith("intake_historicalcaller") for place in _places_holding(CANARY))

    with time_machine.travel(timezone.now() + dt.timedelta(days=25 * 31), tick=False):
        assert retention_nightly.delay().get() == 1

    assert _places_holding(CANARY) == []
    assert _places_holding(PHONE_DIGITS) == []
    case.refresh_from_db()
    assert case.anonymised_at is not None and case.anonymised_why == "retention"
    assert case.status == "closed" and case.reference  # what the statistics need is still there
    assert Child.objects.get(case=case).birth_year == 2014
    assert case.history.first().history_change_reason == "anonymised: retention"
    assert RetentionRun.objects.get().cases == 1


# --- Every free-text column, whichever model it is on -------------------------------------------
#
# The canary case above fills the fields we know of. The walk below fills every text column of
# every row (and history row) that hangs on the case, so that a field added later and forgotten
# in the registry of caseflow/py fails here, not in a parent's subject access request.

# Rows that hang on a case but are no personal data of the case, and the text each keeps.
OUTSIDE_THE_REGISTRY = {
    "caseflow.Notification": {"key"},  # the event's ids ("callback:12:reminder")
    "caseflow.AccessLog": {"what"},  # names a page, never a person (caseflow.audit.access_log)
    "caseflow.RetentionRun": {"reason"},  # an erasure's request: the proof that it was honoured
    "intake.CallDraft": set(),  # deleted by the intake's anonymise hook
}
FILLED = f"{CANARY}-fill"


def _is_free_text(field) -> bool:
    """A column that can hold what someone typed: text or JSON, not a choice among codes.
    simple-history's own columns are left out: what we write there is checked by the tests above."""
    return (
        isinstance(field, models.CharField | models.TextField | models.JSONField)
        and not field.choices
        and not field.name.startswith("history_")
    )


def _case_column(model) -> str | None:
    """The column that ties a row of `model` to a case ("id" on the case itself), or None."""
    if model in (Case, Case.history.model):
        return "id"
    return next((f.attname for f in model._meta.concrete_fields if f.is_relation and f.related_model is Case), None)


def _tracked_model(model):
    """The model itself, or the one a history model keeps the history of."""
    return getattr(model, "instance_type", model)


def _kept_text(model) -> set[str]:
    label = _tracked_model(model)._meta.label
    kept = {entry.model._meta.label: set(entry.kept) for entry in personal_data()}
    return kept.get(label, OUTSIDE_THE_REGISTRY.get(label, set()))


def _models_on_a_case() -> list:
    """Every model with rows of a case, history models included; not the many-to-many links (ids only)."""
    return [
        model for model in apps.get_models() if _case_column(model) and not _tracked_model(model)._meta.auto_created
    ]


def _fill_every_free_text_column(case: Case) -> list[str]:
    """A canary in every free-text column of the case's rows that the registry does not say it keeps."""
    filled = []
    with writes_keeping_history_otherwise("the test writes a canary into every column"):
        for model in _models_on_a_case():
            rows = model._base_manager.filter(**{_case_column(model): case.pk})
            for field in model._meta.concrete_fields:
                if _is_free_text(field) and field.name not in _kept_text(model):
                    value = [FILLED] if isinstance(field, models.JSONField) else FILLED
                    if rows.update(**{field.name: value}):
                        filled.append(f"{model._meta.db_table}.{field.column}")
    return filled


def test_every_model_on_a_case_is_in_the_privacy_registry():
    registered = {entry.model._meta.label for entry in personal_data()}
    on_a_case = {_tracked_model(model)._meta.label for model in _models_on_a_case()}
    assert on_a_case - registered - set(OUTSIDE_THE_REGISTRY) == set()


@pytest.mark.parametrize("how", ["retention", "erasure"])
def test_anonymising_leaves_no_free_text_in_any_column_of_the_case_or_its_history(advisor, team_lead, how):
    case = _case_full_of_canaries(advisor, team_lead)
    filled = _fill_every_free_text_column(case)
    assert {"caseflow_historicalcase.retention_hold_reason", "intake_historicalchild.swv"} <= set(filled)

    if how == "retention":
        case_release(case=case, by=team_lead)  # the canary in the hold's reason held it
        with time_machine.travel(timezone.now() + dt.timedelta(days=25 * 31), tick=False):
            assert retention_run().cases == 1
    else:
        case_erase(case=case, by=team_lead, reason=_canary("request"))

    # Only the erasure's own record keeps what the request was (not the case's history).
    kept = ["caseflow_retentionrun.reason"] if how == "erasure" else []
    left = _places_holding(CANARY)
    assert left == kept, f"the canary is still in: {left}"
    assert _places_holding(PHONE_DIGITS) == []


def test_a_case_inside_its_retention_period_or_on_hold_is_kept(advisor, team_lead):
    recent = case_with_call(advisor, caller_name="Recent")
    case_close(case=recent, expected_version=recent.version, by=advisor, reason="answered")
    held = case_with_call(advisor, caller_name="Vastgehouden")
    case_close(case=held, expected_version=held.version, by=advisor, reason="answered")
    case_hold(case=held, by=team_lead, reason="Klacht in behandeling")

    with time_machine.travel(timezone.now() + dt.timedelta(days=700), tick=False):
        assert retention_run().cases == 0
    with time_machine.travel(timezone.now() + dt.timedelta(days=800), tick=False):
        assert retention_run().cases == 1
    assert Caller.objects.get(case=held).name == "Vastgehouden"
    assert Caller.objects.get(case=recent).name == ""
    assert held.history.first().retention_hold_reason == "Klacht in behandeling"


def test_erasure_on_request_anonymises_now_and_keeps_the_fact(team_lead_client, team_lead, advisor):
    case = case_with_call(advisor, caller_name="Wis Mij")
    response = team_lead_client.post(reverse("case_erase", args=[case.reference]), {"reason": "Verzoek ouder 12-11"})
    assert response.status_code == 302
    assert Caller.objects.get(case=case).name == ""
    assert not Caller.history.filter(name="Wis Mij").exists()
    erasure = RetentionRun.objects.get(kind="erasure")
    assert erasure.by == team_lead and erasure.case == case and erasure.reason == "Verzoek ouder 12-11"
    assert case.history.first().history_user == team_lead


def test_erasure_needs_a_reason_and_a_team_lead(team_lead_client, advisor_client, advisor):
    case = case_with_call(advisor, caller_name="Blijf")
    response = team_lead_client.post(reverse("case_erase", args=[case.reference]), {"reason": ""})
    assert "Schrijf op waarom de zaak gewist wordt" in response.content.decode()
    assert advisor_client.post(reverse("case_erase", args=[case.reference]), {"reason": "x"}).status_code == 403
    assert Caller.objects.get(case=case).name == "Blijf"


def test_the_subject_access_export_holds_everything_and_is_logged(team_lead_client, team_lead, advisor):
    case = _case_full_of_canaries(advisor, team_lead)
    response = team_lead_client.get(reverse("subject_access", args=[case.reference]), {"formaat": "json"})
    export = json.loads(response.content)
    text = json.dumps(export)
    for field in ("caller", "child", "notes", "subject", "reason", "withdrawal", "question", "comment", "school"):
        assert _canary(field) in text or _canary(field, 2) in text, field
    titles = {section["title"] for section in export["sections"]}
    assert {"Bellers", "Kind", "Gesprekken", "Verwijzingen", "Toestemmingen", "Terugbellen"} <= titles
    html = team_lead_client.get(reverse("subject_access", args=[case.reference])).content.decode()
    assert _canary("caller", 3) in html
    assert case.accesslog_set.filter(action="export", user=team_lead).count() == 2
    # The export itself is the last thing in its own access log.
    assert export["access_log"][-1]["what"] == "subject-access.json"
    assert export["access_log"][-1]["user"] == str(team_lead)


def test_team_leads_see_what_is_anonymised_next_week_and_can_hold_it(team_lead_client, team_lead, advisor):
    soon, later = (case_with_call(advisor, caller_name=name) for name in ("Bijna", "Later"))
    for case, days_left in ((soon, 3), (later, 10)):
        case_close(case=case, expected_version=case.version, by=advisor, reason="answered")
        case.refresh_from_db()
        case.closed_at = retention_cutoff() + dt.timedelta(days=days_left)
        case.save()

    listing = team_lead_client.get(reverse("retention_queue")).content.decode()
    upcoming = listing.split('data-testid="retention-upcoming"')[1].split("</ul>")[0]
    assert soon.reference in upcoming and later.reference not in upcoming

    team_lead_client.post(reverse("retention_hold", args=[soon.reference]), {"reason": "Bezwaarprocedure"})
    soon.refresh_from_db()
    assert soon.retention_hold_reason == "Bezwaarprocedure"
    assert soon.history.first().history_user == team_lead
    with time_machine.travel(timezone.now() + dt.timedelta(days=4), tick=False):
        assert retention_run().cases == 0  # held
    team_lead_client.post(reverse("retention_release", args=[soon.reference]))
    with time_machine.travel(timezone.now() + dt.timedelta(days=4), tick=False):
        assert retention_run().cases == 1


def test_a_hold_needs_a_reason(team_lead_client, advisor):
    case = case_with_call(advisor)
    response = team_lead_client.post(reverse("retention_hold", args=[case.reference]), {"reason": " "}, follow=True)
    assert "Schrijf op waarom de zaak bewaard moet blijven." in response.content.decode()
    case.refresh_from_db()
    assert case.retention_hold_reason == ""


def test_an_abandoned_call_draft_is_deleted_by_the_nightly_run_and_a_recent_one_kept(advisor, team_lead_client):
    other_case = case_with_call(advisor)  # (logging its call clears the advisor's new-call draft: make it first)
    with time_machine.travel(timezone.now() - dt.timedelta(days=31), tick=False):
        intake.draft_save(author=advisor, slot="new", case=None, form_token=uuid.uuid4(),
                          data={"caller_name": ["Vergeten Ouder"], "phone": ["0612345678"]})  # fmt: skip
    intake.draft_save(author=advisor, slot=f"case-{other_case.pk}", case=other_case, form_token=uuid.uuid4(),
                      data={"notes": ["Nog bezig"]})  # fmt: skip

    run = retention_run()

    assert run.swept == 1
    assert list(CallDraft.objects.values_list("slot", flat=True)) == [f"case-{other_case.pk}"]
    page = team_lead_client.get(reverse("retention_queue")).content.decode()
    assert "1 verlaten concept" in page
