"""Who may open what: every page needs a signed-in user; the admin site needs a role."""

import logging

import pytest
from django.urls import resolve, reverse

from tests.signin import sign_in_fully
from tests.urlwalk import all_pages

# The only pages an anonymous visitor may reach.
# The draft autosave is authorised by the form's signed grant instead (intake/drafts.py).
PUBLIC_PAGES = {"login", "healthz", "set_language", "intake:draft_save"}
# The inbox's ways in: the parents' contact form, and the voicemail webhook (its bearer token).
PUBLIC_PAGES |= {"inbox:contact", "inbox:contact_sent", "inbox:voicemail"}
# Browsers ask for /favicon.ico by themselves; it redirects to the static icon.
PUBLIC_PAGES |= {"favicon"}


def test_the_walk_finds_real_pages():
    pages = {page.name: page.path for page in all_pages()}
    assert pages["start"] == "/"
    assert "admin:caseflow_user_change" in pages
    for page in all_pages():
        resolve(page.path)  # every example path resolves


@pytest.mark.django_db
@pytest.mark.parametrize(
    "target", [p for p in all_pages() if p.name not in PUBLIC_PAGES], ids=lambda p: p.name
)
def test_anonymous_visitors_are_sent_to_the_login_page(client, target):
    # The admin site first sends to its own login URL, which sends on to ours.
    response = client.get(target.path, follow=True)
    final_url, _ = response.redirect_chain[-1]
    assert final_url.startswith(reverse("login") + "?next=")
    assert response.templates[0].name == "registration/login.html"


@pytest.mark.django_db
def test_the_login_page_and_health_check_are_open(client):
    assert client.get(reverse("login")).status_code == 200
    assert client.get(reverse("healthz")).status_code in (200, 503)


def test_an_advisor_sees_the_start_page(advisor_client):
    response = advisor_client.get(reverse("start"))
    assert response.status_code == 200
    assert "aangemeld als adviseur" in response.content.decode()


def test_a_team_lead_sees_the_start_page_with_the_management_link(team_lead_client):
    page = team_lead_client.get(reverse("start")).content.decode()
    assert "aangemeld als teamleider" in page
    assert reverse("admin:index") in page


def test_an_advisor_is_refused_the_admin_site_and_the_refusal_is_logged(advisor_client, advisor, caplog):
    with caplog.at_level(logging.WARNING, logger="caseflow.security"):
        response = advisor_client.get(reverse("admin:index"))
    assert response.status_code == 403
    assert "Geen toegang" in response.content.decode()
    assert f"forbidden user_id={advisor.pk}" in caplog.text
    assert "anna" not in caplog.text.lower()  # ids in logs, never names


def test_the_management_link_is_hidden_from_advisors(advisor_client):
    assert reverse("admin:index") not in advisor_client.get(reverse("start")).content.decode()


def test_a_team_lead_opens_the_admin_site_but_not_the_accounts(team_lead_client):
    assert team_lead_client.get(reverse("admin:index")).status_code == 200
    assert team_lead_client.get(reverse("admin:caseflow_user_changelist")).status_code == 403


def test_an_administrator_manages_accounts(administrator_client):
    assert administrator_client.get(reverse("admin:caseflow_user_changelist")).status_code == 200


def test_the_admin_login_sends_anonymous_visitors_to_the_one_login_page(client, db):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_signing_in_with_a_wrong_password_says_so_in_dutch(client, advisor):
    response = client.post(reverse("login"), {"username": "anna", "password": "fout"})
    assert response.status_code == 200
    assert "Voer een juiste gebruikersnaam en wachtwoord in" in response.content.decode()
    assert "_auth_user_id" not in client.session


# Pages any signed-in user may open, role or not.
OPEN_TO_EVERY_USER = PUBLIC_PAGES | {
    "start", "logout", "two_factor_setup", "two_factor_verify", "two_factor_backup_codes", "session_extend",
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "target",
    [p for p in all_pages() if p.name not in OPEN_TO_EVERY_USER and not p.name.startswith("admin:")],
    ids=lambda p: p.name,
)
def test_a_user_without_a_role_is_refused_every_case_page(client, target, caplog):
    from tests.factories import UserFactory

    nobody = UserFactory(username="zonder-rol")
    sign_in_fully(client, nobody)
    with caplog.at_level(logging.WARNING, logger="caseflow.security"):
        response = client.get(target.path)
    # POST-only endpoints answer 405 to a GET before any check; everything else is a 403.
    assert response.status_code in (403, 405)
    if response.status_code == 403:
        assert f"forbidden user_id={nobody.pk}" in caplog.text
