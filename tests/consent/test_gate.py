"""The consent gate: every reason it says no, withdrawal that stops what was allowed a
moment before, append-only records, and a property over random sequences of actions."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consent.models import ConsentRecord, Disclosure, Purpose
from consent.services import DisclosureRefused, consent_gate, consent_give, consent_withdraw, disclosure_make
from tests.factories import case_with_call

CONSULTANT = "onderwijsconsulent"


@pytest.fixture
def case(advisor):
    return case_with_call(advisor)


@pytest.fixture
def purpose(db):
    return Purpose.objects.get(code="share-summary-consultant")


@pytest.fixture
def give(case, purpose, advisor):
    def _give(**changes):
        fields = {
            "case": case, "purpose": purpose, "recipient_code": CONSULTANT, "recipient_name": "Onderwijsconsulenten",
            "categories": ["contact", "school"], "child_name": "Yara", "giver_id": None,
            "giver_name": "Fatima el Amrani", "giver_authority": "yes", "method": "phone",
            "valid_until": timezone.now() + dt.timedelta(days=90), "by": advisor,
        }
        return consent_give(**{**fields, **changes})

    return _give


def gate(case, purpose, recipient=CONSULTANT, categories=("contact",), at=None):
    return consent_gate(case=case, purpose=purpose, recipient_code=recipient, categories=categories, at=at)


def test_a_covering_consent_allows(give, case, purpose):
    record = give()
    answer = gate(case, purpose, categories=("contact", "school"))
    assert answer.allowed and answer.records == (record,)


def test_no_record(case, purpose):
    answer = gate(case, purpose)
    assert (answer.allowed, answer.code) == (False, "no_record")
    assert "Er is geen toestemming" in answer.reason


def test_another_recipient(give, case, purpose):
    give(recipient_code="het-juiste-loket", recipient_name="Het Juiste Loket")
    answer = gate(case, purpose)
    assert answer.code == "wrong_recipient" and "Het Juiste Loket" in answer.reason


def test_a_category_not_covered(give, case, purpose):
    give()
    answer = gate(case, purpose, categories=("contact", "health"))
    assert answer.code == "category_not_covered" and "Gezondheids" in answer.reason


def test_expired(give, case, purpose):
    give(valid_until=timezone.now() + dt.timedelta(days=1))
    answer = gate(case, purpose, at=timezone.now() + dt.timedelta(days=2))
    assert answer.code == "expired"


def test_withdrawn(give, case, purpose, advisor):
    consent_withdraw(record=give(), by=advisor, reason="Ouder wil zelf contact")
    answer = gate(case, purpose)
    assert answer.code == "withdrawn" and answer.reason.startswith("De toestemming is ingetrokken op ")
    assert "Ouder wil zelf contact" not in answer.reason  # the log that keeps it outlives the reason


def test_a_giver_without_known_authority(give, case, purpose):
    give(giver_authority="unknown")
    assert gate(case, purpose).code == "no_authority"


def test_a_person_without_authority_cannot_give_consent(give):
    with pytest.raises(ValidationError, match="geen gezag"):
        give(giver_authority="no")
    assert not ConsentRecord.objects.exists()


def test_both_parents_must_agree_when_the_organisation_says_so(give, case, purpose, settings):
    from intake import services

    mother = case.callers.get()
    mother.parental_authority = "yes"
    mother.save()
    father = services.caller_add(case=case, by=case.owner, fields={"name": "Karim", "parental_authority": "yes"})
    give(giver_id=mother.pk)
    settings.CONSENT_BOTH_PARENTS = True
    assert gate(case, purpose).code == "both_parents"
    give(giver_id=father.pk, giver_name="Karim")
    assert gate(case, purpose).allowed
    settings.CONSENT_BOTH_PARENTS = False


def test_a_withdrawal_stops_a_disclosure_allowed_a_moment_before(give, case, purpose, advisor):
    record = give()
    sent = disclosure_make(case=case, purpose=purpose, recipient_code=CONSULTANT, categories=["contact"],
                           by=advisor, content=lambda categories: b"samenvatting")
    assert sent == b"samenvatting"

    consent_withdraw(record=record, by=advisor, reason="Ingetrokken door moeder")
    with pytest.raises(DisclosureRefused, match="ingetrokken"):
        disclosure_make(case=case, purpose=purpose, recipient_code=CONSULTANT, categories=["contact"],
                        by=advisor, content=lambda categories: b"samenvatting")

    allowed, refused = Disclosure.objects.order_by("made_at", "id")
    assert allowed.allowed and allowed.consent_ids == [record.pk] and len(allowed.content_sha256) == 64
    assert not refused.allowed and "ingetrokken" in refused.refusal and refused.content_sha256 == ""


def test_consent_records_and_disclosures_are_append_only(give, advisor):
    record = give()
    record.categories = ["contact", "school", "health"]
    with pytest.raises(ValidationError, match="append-only"):
        record.save()
    with pytest.raises(ValidationError, match="append-only"):
        record.delete()
    consent_withdraw(record=ConsentRecord.objects.get(), by=advisor, reason="Weg")
    again = ConsentRecord.objects.get()
    again.withdrawal_reason = "Iets anders"
    with pytest.raises(ValidationError, match="append-only"):
        again.save()
    assert ConsentRecord.objects.get().history.count() == 2


def test_a_new_text_raises_the_purpose_version_and_consents_keep_the_old_text(give, purpose):
    old_text = purpose.text
    record = give()
    purpose.text = old_text + " Nieuwe zin."
    purpose.save()
    assert purpose.version == record.purpose_version + 1
    assert ConsentRecord.objects.get().purpose_text == old_text


# --- Property: random sequences of give / withdraw / expire / disclose -----------------

CATEGORIES = ["contact", "school", "support", "health", "notes"]
RECIPIENTS = [CONSULTANT, "het-juiste-loket"]
actions = st.lists(
    st.one_of(
        st.tuples(st.just("give"), st.sampled_from(RECIPIENTS), st.sets(st.sampled_from(CATEGORIES), min_size=1),
                  st.integers(min_value=1, max_value=30), st.sampled_from(["yes", "unknown"])),
        st.tuples(st.just("withdraw"), st.integers(min_value=0, max_value=5)),
        st.tuples(st.just("wait"), st.integers(min_value=1, max_value=20)),
        st.tuples(st.just("disclose"), st.sampled_from(RECIPIENTS), st.sets(st.sampled_from(CATEGORIES), min_size=1)),
    ),
    max_size=12,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=actions)
def test_nothing_leaves_without_a_covering_consent_at_that_moment(steps, advisor, case, purpose):
    # Examples share the test's database; each gets its own purpose, so records
    # (append-only, never deleted) of one example cannot cover another's.
    run = Purpose.objects.create(code=f"p{Purpose.objects.count()}", name="Test", text="Tekst")
    now, attempts = timezone.now(), 0
    for step in steps:
        if step[0] == "give":
            _, recipient, categories, days, authority = step
            record = ConsentRecord(
                case=case, purpose=run, purpose_text=run.text, purpose_version=run.version, recipient_code=recipient,
                recipient_name=recipient, categories=sorted(categories), child_name="Yara", giver_name="Ouder",
                giver_authority=authority, method="phone", given_at=now,
                valid_until=now + dt.timedelta(days=days), recorded_by=advisor,
            )
            record.save()
        elif step[0] == "withdraw":
            standing = list(ConsentRecord.objects.filter(purpose=run, withdrawn_at__isnull=True).order_by("id"))
            if standing:
                consent_withdraw(record=standing[step[1] % len(standing)], by=advisor, reason="Ingetrokken", at=now)
        elif step[0] == "wait":
            now += dt.timedelta(days=step[1])
        else:
            _, recipient, categories = step
            attempts += 1
            try:
                disclosure_make(case=case, purpose=run, recipient_code=recipient, categories=categories,
                                by=advisor, content=lambda c: b"data", at=now)
            except DisclosureRefused:
                pass
            now += dt.timedelta(seconds=1)

    logged = list(Disclosure.objects.filter(purpose=run))
    assert len(logged) == attempts
    for disclosure in logged:
        if not disclosure.allowed:
            continue
        at = disclosure.made_at
        valid = [
            r for r in ConsentRecord.objects.filter(pk__in=disclosure.consent_ids)
            if r.recipient_code == disclosure.recipient_code
            and r.given_at <= at < r.valid_until and (r.withdrawn_at is None or r.withdrawn_at > at)
            and r.giver_authority == "yes"
        ]
        # Separate consents may cover it together, each category by at least one of them.
        covered = set().union(*(set(r.categories) for r in valid))
        assert set(disclosure.categories) <= covered, f"disclosure {disclosure.pk} left without a covering consent"


# --- The giver's authority as the case knows it now --------------------------------------


def _set_authority(caller, authority, by):
    from intake.services import caller_update

    caller.case.refresh_from_db()
    return caller_update(caller=caller, expected_version=caller.case.version, by=by,
                         fields={"parental_authority": authority})


def test_a_giver_corrected_to_no_authority_no_longer_lets_data_out(give, case, purpose, advisor):
    mother = _set_authority(case.callers.get(), "yes", advisor)
    give(giver_id=mother.pk, giver_name=mother.name, giver_authority="yes")
    assert gate(case, purpose).allowed

    _set_authority(mother, "no", advisor)  # the advisor learns she has no parental authority
    answer = gate(case, purpose)
    assert (answer.allowed, answer.code) == (False, "no_authority")
    assert "geen gezag" in answer.reason and mother.name not in answer.reason
    with pytest.raises(DisclosureRefused):
        disclosure_make(case=case, purpose=purpose, recipient_code=CONSULTANT, categories=["contact"],
                        by=advisor, content=lambda categories: b"samenvatting")
    assert not Disclosure.objects.get().allowed


def test_a_giver_whose_authority_became_unknown_is_refused_and_a_confirmed_one_allowed(give, case, purpose, advisor):
    mother = case.callers.get()  # authority unknown when she consented
    give(giver_id=mother.pk, giver_name=mother.name, giver_authority="unknown")
    assert gate(case, purpose).code == "no_authority"

    _set_authority(mother, "yes", advisor)
    assert gate(case, purpose).allowed
    _set_authority(mother, "unknown", advisor)
    assert gate(case, purpose).code == "no_authority"


# --- Separate consents that together cover what is asked ---------------------------------


def test_two_partial_consents_together_cover_what_is_asked(give, case, purpose, advisor):
    contact = give(categories=["contact"])
    notes = give(categories=["notes"])
    answer = gate(case, purpose, categories=("contact", "notes"))
    assert answer.allowed and set(answer.records) == {contact, notes}

    disclosure_make(case=case, purpose=purpose, recipient_code=CONSULTANT, categories=["contact", "notes"],
                    by=advisor, content=lambda categories: b"pakket")
    assert sorted(Disclosure.objects.get().consent_ids) == sorted([contact.pk, notes.pk])
    consent_withdraw(record=notes, by=advisor, reason="Liever niet")
    assert notes.notices.get().recipient_name == "Onderwijsconsulenten"  # it was relied on: tell the recipient


def test_with_both_parents_required_each_parent_must_cover_every_category_asked(give, case, purpose, advisor,
                                                                                settings):  # fmt: skip
    from intake.services import caller_add

    mother = _set_authority(case.callers.get(), "yes", advisor)
    father = caller_add(case=case, by=advisor, fields={"name": "Karim", "parental_authority": "yes"})
    settings.CONSENT_BOTH_PARENTS = True
    give(giver_id=mother.pk, categories=["contact", "notes"])
    give(giver_id=father.pk, giver_name="Karim", categories=["contact"])
    answer = gate(case, purpose, categories=("contact", "notes"))
    assert answer.code == "both_parents" and "1 heeft dat niet gedaan" in answer.reason
    give(giver_id=father.pk, giver_name="Karim", categories=["notes"])
    assert gate(case, purpose, categories=("contact", "notes")).allowed


def test_a_withdrawn_partial_consent_is_named_as_the_category_not_covered(give, case, purpose, advisor):
    give(categories=["contact"])
    consent_withdraw(record=give(categories=["notes"]), by=advisor, reason="Liever niet")
    answer = gate(case, purpose, categories=("contact", "notes"))
    assert answer.code == "category_not_covered"
    assert answer.reason == "De toestemming dekt niet: Samenvatting en gespreksaantekeningen."


def test_asking_about_no_category_at_all_is_a_mistake_of_the_caller(give, case, purpose):
    give()
    with pytest.raises(ValueError):
        gate(case, purpose, categories=())  # else it would be "allowed" under no consent at all


def test_a_category_no_one_knows_is_named_too_never_an_empty_list(give, case, purpose):
    give(categories=["contact"])
    answer = gate(case, purpose, categories=("contact", "hobbies"))
    assert answer.code == "category_not_covered" and answer.reason == "De toestemming dekt niet: hobbies."


def test_a_giver_without_authority_now_does_not_count_towards_the_categories(give, case, purpose, advisor):
    mother = _set_authority(case.callers.get(), "no", advisor)
    give(categories=["contact"])
    give(categories=["notes"], giver_id=mother.pk, giver_name=mother.name, giver_authority="yes")
    answer = gate(case, purpose, categories=("contact", "notes"))
    assert answer.code == "category_not_covered" and "gespreksaantekeningen" in answer.reason


# --- No personal data in the disclosure log -----------------------------------------------


def _disclosure_log_text() -> str:
    rows = [*Disclosure.objects.values(), *Disclosure.history.values()]
    return repr(rows)


def test_a_refusal_keeps_no_name_and_no_withdrawal_reason(give, case, purpose, advisor):
    from intake.services import caller_add

    henk = caller_add(case=case, by=advisor, fields={"name": "Henk Draftman"})  # authority unknown
    record = give(giver_id=henk.pk, giver_name=henk.name, giver_authority="unknown")
    consent_withdraw(record=record, by=advisor, reason="verhuisd naar Spanje")
    give(giver_id=henk.pk, giver_name=henk.name, giver_authority="unknown", recipient_code="het-juiste-loket",
         recipient_name="Het Juiste Loket")
    for recipient in (CONSULTANT, "het-juiste-loket"):
        with pytest.raises(DisclosureRefused):
            disclosure_make(case=case, purpose=purpose, recipient_code=recipient, categories=["contact"],
                            by=advisor, content=lambda categories: b"pakket")

    log = _disclosure_log_text()
    assert "Henk" not in log and "Draftman" not in log and "Spanje" not in log
    withdrawn, no_authority = Disclosure.objects.order_by("id")
    assert (withdrawn.refusal_code, no_authority.refusal_code) == ("withdrawn", "no_authority")
    assert withdrawn.refusal.startswith("De toestemming is ingetrokken op ")
    assert no_authority.refusal.startswith("De toestemming is gegeven door iemand die ")
