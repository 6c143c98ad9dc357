"""A half-written call is never lost: the form saves a draft as the advisor types, also
after the session expired. A new form starts empty and offers the unsaved call; restoring it
replaces the form's content, and typing in the new form never touches the older draft."""

import uuid

import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django.urls import reverse

from caseflow.audit.retention import ANONYMISED_BY_RETENTION, case_anonymise, case_erase
from intake import services
from intake.models import CallDraft
from tests.factories import case_with_call
from tests.intake.support import CALL_SCREEN, DRAFT_SAVE, form_grant, form_values, minutes_ago, new_call
from tests.signin import sign_in_fully

DRAFT_RESTORED = 'data-testid="draft-restored"'
DRAFT_OFFERED = 'data-testid="draft-offer"'

TYPED_SO_FAR = {
    "beller-name": "Piet de Boer",
    "beller-phone": "06 1234",  # half a number: a draft is kept as typed
    "kind-first_name": "Sem",
    "kind-school_type": "vo",
    "gesprek-steps_taken": ["teacher", "swv"],
    "gesprek-at_home": "yes",
    "gesprek-notes": "Zoon zit sinds september thuis.\nSchool reageert niet.",
}


@pytest.fixture
def new_case_form(advisor_client):
    """The grant of the call screen as the advisor opened it."""
    return form_grant(advisor_client, CALL_SCREEN)


def test_an_autosave_keeps_the_form_as_typed(advisor_client, advisor, new_case_form):
    response = advisor_client.post(DRAFT_SAVE, {**new_case_form, **TYPED_SO_FAR})

    assert response.status_code == 200 and "Concept bewaard om" in response.content.decode()
    draft = CallDraft.objects.get()
    assert (draft.author, draft.slot, draft.case, str(draft.form_token)) == (
        advisor, "new", None, new_case_form["form_token"]
    )
    assert draft.data["gesprek-steps_taken"] == ["teacher", "swv"]
    assert "draft_grant" not in draft.data and "form_token" not in draft.data


def restore_url(url: str, draft: CallDraft) -> str:
    """Where the offer's "Herstellen" leads."""
    return f"{url}?concept={draft.pk}"


def test_a_new_call_screen_starts_empty_and_offers_the_unsaved_call(advisor_client, new_case_form):
    advisor_client.post(DRAFT_SAVE, {**new_case_form, **TYPED_SO_FAR})

    page = advisor_client.get(CALL_SCREEN).content.decode()

    shown = form_values(page)
    for name, value in TYPED_SO_FAR.items():
        assert shown.get(name) != (value if isinstance(value, list) else [value]), name
    assert shown["form_token"] != [new_case_form["form_token"]]  # a form of its own
    assert DRAFT_OFFERED in page and DRAFT_RESTORED not in page
    assert "Er is een niet-opgeslagen gesprek van" in page and "(Piet de Boer)" in page
    assert restore_url(CALL_SCREEN, CallDraft.objects.get()) in page
    assert "Herstellen" in page and "Weggooien" in page


def test_restoring_gives_the_draft_back_as_typed(advisor_client, new_case_form):
    advisor_client.post(DRAFT_SAVE, {**new_case_form, **TYPED_SO_FAR})

    page = advisor_client.get(restore_url(CALL_SCREEN, CallDraft.objects.get())).content.decode()

    assert DRAFT_RESTORED in page and DRAFT_OFFERED not in page
    shown = form_values(page)
    for name, value in TYPED_SO_FAR.items():
        assert shown[name] == (value if isinstance(value, list) else [value]), name
    assert shown["form_token"] == [new_case_form["form_token"]]  # the same form goes on


def test_typing_in_a_new_form_never_mixes_with_the_unsaved_call_of_another_family(advisor_client):
    earlier = form_grant(advisor_client, CALL_SCREEN)
    advisor_client.post(DRAFT_SAVE, {**earlier, "beller-name": "Jan de Wit", "kind-first_name": "Daan"})

    # "Nieuw gesprek": another parent is on the line; the advisor types without restoring.
    fresh = form_grant(advisor_client, CALL_SCREEN)
    advisor_client.post(DRAFT_SAVE, {**fresh, "beller-name": "Henk Draftman"})

    drafts = {draft.form_token.hex: draft.data for draft in CallDraft.objects.all()}
    assert drafts == {
        uuid.UUID(earlier["form_token"]).hex: {"beller-name": ["Jan de Wit"], "kind-first_name": ["Daan"]},
        uuid.UUID(fresh["form_token"]).hex: {"beller-name": ["Henk Draftman"]},
    }
    # Both stay on offer; restoring one gives that family's call and nothing of the other.
    page = advisor_client.get(CALL_SCREEN).content.decode()
    assert page.count(DRAFT_OFFERED) == 2 and "(Jan de Wit)" in page and "(Henk Draftman)" in page
    jan = CallDraft.objects.get(form_token=earlier["form_token"])
    restored = form_values(advisor_client.get(restore_url(CALL_SCREEN, jan)).content.decode())
    assert (restored["beller-name"], restored["kind-first_name"]) == (["Jan de Wit"], ["Daan"])
    assert restored["form_token"] == [earlier["form_token"]]


def test_restoring_a_draft_that_is_gone_gives_an_empty_form(advisor_client, new_case_form):
    advisor_client.post(DRAFT_SAVE, {**new_case_form, **TYPED_SO_FAR})
    draft = CallDraft.objects.get()
    draft.delete()  # saved or discarded in another tab

    page = advisor_client.get(restore_url(CALL_SCREEN, draft)).content.decode()

    assert DRAFT_RESTORED not in page and "Piet de Boer" not in page
    assert "Dit concept is er niet meer" in page


@pytest.mark.parametrize("concept", ["abc", "²", "9" * 30, ""])
def test_a_restore_link_that_names_no_draft_gives_an_empty_form(advisor_client, concept):
    response = advisor_client.get(CALL_SCREEN, {"concept": concept})
    assert response.status_code == 200 and DRAFT_RESTORED not in response.content.decode()


def test_the_last_autosave_wins(advisor_client, new_case_form):
    advisor_client.post(DRAFT_SAVE, {**new_case_form, "gesprek-notes": "eerste"})
    advisor_client.post(DRAFT_SAVE, {**new_case_form, "gesprek-notes": "tweede"})

    assert CallDraft.objects.get().data["gesprek-notes"] == ["tweede"]


def test_a_draft_survives_an_expired_session(client, advisor):
    sign_in_fully(client, advisor)
    form = form_grant(client, CALL_SCREEN)
    client.logout()  # the session ends while the advisor types
    assert client.get(CALL_SCREEN).status_code == 302  # the session is gone indeed

    saved = client.post(DRAFT_SAVE, {**form, **TYPED_SO_FAR})
    assert saved.status_code == 200 and "Concept bewaard om" in saved.content.decode()

    sign_in_fully(client, advisor)  # signed in again
    page = client.get(CALL_SCREEN).content.decode()
    assert DRAFT_OFFERED in page and "(Piet de Boer)" in page
    page = client.get(restore_url(CALL_SCREEN, CallDraft.objects.get())).content.decode()
    assert DRAFT_RESTORED in page and form_values(page)["beller-name"] == ["Piet de Boer"]


def test_a_draft_survives_a_flushed_session(advisor_client, advisor, new_case_form):
    session = advisor_client.session
    session.flush()

    assert advisor_client.post(DRAFT_SAVE, {**new_case_form, **TYPED_SO_FAR}).status_code == 200
    assert CallDraft.objects.get().author == advisor


def test_a_grant_of_another_advisor_is_refused(advisor_client, other_advisor_client, new_case_form):
    advisor_client.post(DRAFT_SAVE, {**new_case_form, "gesprek-notes": "van Anna"})

    response = other_advisor_client.post(DRAFT_SAVE, {**new_case_form, "gesprek-notes": "van Bram"})

    assert response.status_code == 403
    assert CallDraft.objects.get().data["gesprek-notes"] == ["van Anna"]


@pytest.mark.parametrize(
    "grant",
    [
        "",
        "zomaar-iets",
        signing.dumps([1, "new", "00000000-0000-0000-0000-000000000001"], salt="een ander doel"),
    ],
    ids=["missing", "garbage", "signed for something else"],
)
def test_an_invalid_grant_is_refused_with_a_message(client, advisor, grant):
    response = client.post(DRAFT_SAVE, {"draft_grant": grant, "beller-name": "Piet"})

    assert response.status_code == 400
    assert "Dit formulier kan niet meer als concept worden bewaard." in response.content.decode()
    assert not CallDraft.objects.exists()


def test_a_tampered_grant_is_refused(advisor_client, new_case_form):
    tampered = {**new_case_form, "draft_grant": new_case_form["draft_grant"][:-3] + "abc"}
    assert advisor_client.post(DRAFT_SAVE, tampered).status_code == 400
    assert not CallDraft.objects.exists()


def test_a_grant_older_than_a_working_day_is_refused(advisor_client, new_case_form, monkeypatch):
    import time

    from intake import drafts

    later = time.time() + drafts.MAX_AGE_SECONDS + 60
    monkeypatch.setattr(signing.time, "time", lambda: later)

    assert advisor_client.post(DRAFT_SAVE, {**new_case_form, **TYPED_SO_FAR}).status_code == 400


def test_the_draft_endpoint_takes_no_get(advisor_client):
    assert advisor_client.get(DRAFT_SAVE).status_code == 405


# --- A saved call ends its draft ---------------------------------------------------------------


@pytest.fixture
def call_screen_form(advisor_client):
    return {"grant": form_grant(advisor_client, CALL_SCREEN), "data": new_call()}


def test_saving_the_call_deletes_the_draft_and_a_late_autosave_does_not_bring_it_back(call_screen_form, advisor_client):
    form = call_screen_form
    advisor_client.post(DRAFT_SAVE, {**form["grant"], "gesprek-notes": "half"})
    assert CallDraft.objects.exists()

    assert advisor_client.post(CALL_SCREEN, {**form["grant"], **form["data"]}).status_code == 302
    assert not CallDraft.objects.exists()

    late = advisor_client.post(DRAFT_SAVE, {**form["grant"], **form["data"]})
    assert late.status_code == 204 and not CallDraft.objects.exists()
    assert DRAFT_OFFERED not in advisor_client.get(CALL_SCREEN).content.decode()


def test_saving_a_new_call_keeps_the_unsaved_call_of_another_family(advisor_client, new_case_form):
    advisor_client.post(DRAFT_SAVE, {**new_case_form, "beller-name": "Jan de Wit"})
    fresh = form_grant(advisor_client, CALL_SCREEN)
    advisor_client.post(DRAFT_SAVE, {**fresh, "beller-name": "Fatima"})

    assert advisor_client.post(CALL_SCREEN, {**fresh, **new_call()}).status_code == 302

    assert list(CallDraft.objects.values_list("data", flat=True)) == [{"beller-name": ["Jan de Wit"]}]
    assert "(Jan de Wit)" in advisor_client.get(CALL_SCREEN).content.decode()


def test_a_call_on_a_case_ends_its_draft_and_a_late_autosave_is_ignored(advisor_client, advisor):
    case = case_with_call(advisor)
    url = reverse("intake:call_add", args=[case.reference])
    grant = form_grant(advisor_client, url)
    advisor_client.post(DRAFT_SAVE, {**grant, "gesprek-notes": "half"})
    assert CallDraft.objects.get().case == case

    call = {"gesprek-conflict": "no", "gesprek-at_home": "no", "gesprek-channel": "phone_in",
            "gesprek-started_at": minutes_ago(2), "gesprek-notes": "heel"}
    assert advisor_client.post(url, {**grant, **call}).status_code == 302
    assert not CallDraft.objects.exists()

    assert advisor_client.post(DRAFT_SAVE, {**grant, **call}).status_code == 204
    assert not CallDraft.objects.exists()


def test_a_draft_on_a_cases_call_form_is_offered_there_and_not_on_the_call_screen(advisor_client, advisor):
    case = case_with_call(advisor)
    url = reverse("intake:call_add", args=[case.reference])
    advisor_client.post(DRAFT_SAVE, {**form_grant(advisor_client, url), "gesprek-notes": "Vervolg op de school"})
    draft = CallDraft.objects.get()

    case_form = advisor_client.get(url).content.decode()
    assert DRAFT_OFFERED in case_form and "gesprek-notes" not in form_values(case_form)
    restored = advisor_client.get(restore_url(url, draft)).content.decode()
    assert DRAFT_RESTORED in restored and form_values(restored)["gesprek-notes"] == ["Vervolg op de school"]

    call_screen = advisor_client.get(CALL_SCREEN).content.decode()
    assert DRAFT_OFFERED not in call_screen
    assert DRAFT_RESTORED not in advisor_client.get(restore_url(CALL_SCREEN, draft)).content.decode()


def test_the_new_case_draft_and_a_cases_draft_are_kept_apart(advisor_client, advisor, new_case_form):
    case = case_with_call(advisor)
    case_form = form_grant(advisor_client, reverse("intake:call_add", args=[case.reference]))

    advisor_client.post(DRAFT_SAVE, {**new_case_form, "beller-name": "Nieuwe beller"})
    advisor_client.post(DRAFT_SAVE, {**case_form, "gesprek-notes": "Vervolg"})

    drafts = {draft.slot: draft.data for draft in CallDraft.objects.all()}
    assert drafts == {"new": {"beller-name": ["Nieuwe beller"]}, f"case-{case.pk}": {"gesprek-notes": ["Vervolg"]}}


def test_saving_a_call_on_a_case_keeps_the_new_case_draft(advisor_client, advisor, new_case_form):
    case = case_with_call(advisor)
    url = reverse("intake:call_add", args=[case.reference])
    advisor_client.post(DRAFT_SAVE, {**new_case_form, "beller-name": "Nieuwe beller"})

    call = {"gesprek-conflict": "no", "gesprek-at_home": "no", "gesprek-channel": "phone_in",
            "gesprek-started_at": minutes_ago(2)}
    advisor_client.post(url, {**form_grant(advisor_client, url), **call})

    assert CallDraft.objects.get().slot == "new"


def test_drafts_are_per_advisor(advisor_client, other_advisor_client, new_case_form):
    advisor_client.post(DRAFT_SAVE, {**new_case_form, "beller-name": "Van Anna"})

    assert DRAFT_OFFERED not in other_advisor_client.get(CALL_SCREEN).content.decode()
    # Not even with the id of Anna's draft in the link.
    page = other_advisor_client.get(restore_url(CALL_SCREEN, CallDraft.objects.get())).content.decode()
    assert DRAFT_RESTORED not in page and "Van Anna" not in page


# --- An anonymised case takes no draft ------------------------------------------------------------


def _anonymised(case, by):
    case_anonymise(case=case, by=None, why=ANONYMISED_BY_RETENTION)


def _erased(case, by):
    case_erase(case=case, by=by, reason="Verzoek van de ouder")


@pytest.mark.parametrize("blank", [_anonymised, _erased], ids=["anonymised", "erased"])
def test_an_autosave_on_an_anonymised_case_is_refused_and_stores_nothing(advisor_client, advisor, team_lead, blank):
    """A call form left open on a case that is anonymised meanwhile: its grant is still valid,
    but its autosave must not bring the parent's words back to a case whose data was removed."""
    case = case_with_call(advisor)
    grant = form_grant(advisor_client, reverse("intake:call_add", args=[case.reference]))
    advisor_client.post(DRAFT_SAVE, {**grant, "gesprek-notes": "Moeder Jansen belde"})
    blank(case, team_lead)
    assert not CallDraft.objects.exists()  # anonymising took the draft away

    response = advisor_client.post(DRAFT_SAVE, {**grant, "gesprek-notes": "Moeder Jansen belde, 06-12345678"})

    assert response.status_code == 410
    assert "Deze zaak is geanonimiseerd" in response.content.decode()
    assert not CallDraft.objects.exists()


def test_the_service_refuses_a_draft_of_an_anonymised_case(advisor, team_lead):
    case = case_with_call(advisor)
    case_erase(case=case, by=team_lead, reason="Verzoek van de ouder")

    with pytest.raises(ValidationError) as refused:
        services.draft_save(author=advisor, slot=f"case-{case.pk}", case=case, form_token=uuid.uuid4(),
                            data={"gesprek-notes": ["Moeder Jansen"]})  # fmt: skip

    assert refused.value.code == "anonymised"
    assert not CallDraft.objects.exists()


# --- Discarding ---------------------------------------------------------------------------------


DRAFT_DISCARD = reverse("intake:draft_discard")


def test_discarding_the_draft_gives_an_empty_call_screen(advisor_client, new_case_form):
    advisor_client.post(DRAFT_SAVE, {**new_case_form, "beller-name": "Weg ermee"})
    draft = CallDraft.objects.get()

    response = advisor_client.post(DRAFT_DISCARD, {"concept": draft.pk, "next": CALL_SCREEN}, follow=True)

    page = response.content.decode()
    assert response.redirect_chain[-1][0] == CALL_SCREEN
    assert "Het concept is weggegooid." in page
    assert DRAFT_OFFERED not in page and "Weg ermee" not in page
    assert not CallDraft.objects.exists()


def test_discarding_one_unsaved_call_keeps_the_others(advisor_client, new_case_form):
    advisor_client.post(DRAFT_SAVE, {**new_case_form, "beller-name": "Jan de Wit"})
    advisor_client.post(DRAFT_SAVE, {**form_grant(advisor_client, CALL_SCREEN), "beller-name": "Henk Draftman"})

    jan = CallDraft.objects.get(form_token=new_case_form["form_token"])

    advisor_client.post(DRAFT_DISCARD, {"concept": jan.pk, "next": CALL_SCREEN})

    assert list(CallDraft.objects.values_list("data", flat=True)) == [{"beller-name": ["Henk Draftman"]}]


def test_discarding_a_cases_draft_returns_to_its_call_form(advisor_client, advisor):
    case = case_with_call(advisor)
    url = reverse("intake:call_add", args=[case.reference])
    advisor_client.post(DRAFT_SAVE, {**form_grant(advisor_client, url), "gesprek-notes": "weg"})

    response = advisor_client.post(DRAFT_DISCARD, {"concept": CallDraft.objects.get().pk, "next": url})

    assert response.status_code == 302 and response.url == url
    assert not CallDraft.objects.exists()


@pytest.mark.parametrize("next_page", ["https://elders.example/", "//elders.example/", "call_new", ""])
def test_discarding_returns_to_the_call_screen_unless_sent_from_a_page_of_ours(advisor_client, next_page):
    response = advisor_client.post(DRAFT_DISCARD, {"concept": "1", "next": next_page})
    assert response.status_code == 302 and response.url == CALL_SCREEN


def test_discarding_only_touches_the_advisors_own_draft(advisor_client, other_advisor_client, new_case_form):
    advisor_client.post(DRAFT_SAVE, {**new_case_form, "beller-name": "Van Anna"})
    other_advisor_client.post(DRAFT_DISCARD, {"concept": CallDraft.objects.get().pk})
    assert CallDraft.objects.count() == 1
