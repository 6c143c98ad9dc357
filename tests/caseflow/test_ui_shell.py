"""The page shell: Dutch by default, English on request, accessible, nothing from other hosts."""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = [ROOT / "templates", *ROOT.glob("*/templates")]
# src= or href= pointing at another host (absolute or protocol-relative).
EXTERNAL_ASSET = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)


def test_no_template_loads_anything_from_another_host():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in TEMPLATE_DIRS
        for path in folder.rglob("*.html")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if EXTERNAL_ASSET.search(line)
    ]
    assert offenders == []


def test_no_stylesheet_imports_from_another_host():
    for path in (ROOT / "static").rglob("*.css"):
        assert not re.search(r"@import\s+url\(\s*['\"]?(https?:)?//", path.read_text()), path
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", path.read_text()), path


@pytest.mark.parametrize("fixture", ["client", "advisor_client"])
def test_rendered_pages_reference_only_our_own_static_files(request, fixture, db):
    client = request.getfixturevalue(fixture)
    page = client.get(reverse("start"), follow=True).content.decode()
    assets = re.findall(r"""(?:src|href)="([^"]+)\"""", page)
    assert assets
    for asset in assets:
        assert not re.match(r"(https?:)?//", asset), asset


def test_vendored_libraries_carry_their_licences():
    for library in ("bootstrap-5.3.9", "htmx-2.0.11"):
        assert (ROOT / "static" / "vendor" / library / "LICENSE").read_text().strip()


def test_the_interface_is_dutch_by_default(client, db):
    page = client.get(reverse("login")).content.decode()
    assert '<html lang="nl">' in page
    assert "Aanmelden bij Caseflow" in page
    assert "Gebruikersnaam" in page


def test_english_is_available(client, db):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in page
    assert "Sign in to Caseflow" in page


def test_choosing_a_language_is_remembered(client, db):
    client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert "Sign in to Caseflow" in client.get(reverse("login")).content.decode()


def test_pages_have_a_skip_link_landmarks_and_labelled_fields(client, advisor_client, db):
    login = client.get(reverse("login")).content.decode()
    assert re.search(r'<a class="[^"]*skip-link[^"]*" href="#inhoud">Naar de inhoud</a>', login)
    assert '<main id="inhoud"' in login
    for field in ("id_username", "id_password"):
        assert f'for="{field}"' in login
    start = advisor_client.get(reverse("start")).content.decode()
    assert "<header>" in start and "<nav " in start and "<footer" in start
    assert 'aria-label="Hoofdmenu"' in start


def _po_entries(text: str) -> dict[str, str]:
    """msgid -> msgstr of a .po file; for plurals, the singular's msgid and msgstr[0]."""
    entries = {}
    for block in text.split("\n\n"):
        parts = {"msgid": "", "msgstr": ""}
        current = None
        for line in block.splitlines():
            written = line.split(" ", 1)[0]
            keyword = written.replace("msgstr[0]", "msgstr")
            if keyword in parts:
                current = keyword
                line = line[len(written) + 1 :]
            elif not line.startswith('"'):
                current = None
                continue
            if current:
                parts[current] += ast.literal_eval(line)
        if parts["msgid"]:
            entries[parts["msgid"]] = parts["msgstr"]
    return entries


def test_the_dutch_catalogue_is_complete_and_compiled():
    po_path = ROOT / "locale" / "nl" / "LC_MESSAGES" / "django.po"
    entries = _po_entries(po_path.read_text())
    assert entries
    assert [msgid for msgid, msgstr in entries.items() if not msgstr] == []
    with (po_path.parent / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    stale = [
        msgid
        for msgid, msgstr in entries.items()
        if msgstr not in (compiled.gettext(msgid), compiled.ngettext(msgid, msgid, 1))
    ]
    assert stale == [], "run `make messages` to compile the catalogue"


# --- Accessibility (WCAG 2.1 AA): error summary, search on every page, visible status badges ---

ERROR_SUMMARY = re.compile(r"<section[^>]*data-error-summary.*?</section>", re.DOTALL)


def _error_summary(page: str) -> str:
    found = ERROR_SUMMARY.search(page)
    assert found, "no error summary on the page"
    return found.group(0)


def test_a_failed_call_save_starts_with_an_error_summary_linking_each_field(advisor_client):
    page = advisor_client.post(reverse("intake:call_new"), {"beller-phone": "06-12345678"}).content.decode()

    summary = _error_summary(page)
    assert "Er ging iets mis bij het opslaan" in summary
    assert re.search(r'<a href="#id_beller-name"[^>]*>Naam: Dit veld is verplicht\.</a>', summary)
    # A radio group has no element of its own to go to: the link goes to its first choice.
    assert 'href="#id_gesprek-conflict_0"' in summary
    # At the top of the page's content, before the forms it is about.
    assert page.index('id="inhoud"') < page.index("data-error-summary") < page.index('id="gespreksformulier"')


def test_a_page_without_errors_has_no_error_summary(advisor_client):
    assert "data-error-summary" not in advisor_client.get(reverse("intake:call_new")).content.decode()


@pytest.mark.parametrize(
    "url_name, data",
    [
        ("intake:call_add", {}),
        ("intake:child_edit", {"kind-first_name": ""}),
        ("intake:caller_add", {}),
        ("case_edit", {}),
        ("callback_plan", {}),
        ("consent:give", {"purpose": ""}),
        ("referrals:refer_manual", {"loket": ""}),
    ],
)
def test_every_form_page_shows_the_shared_error_summary_after_a_failed_save(advisor, advisor_client, url_name, data):
    from tests.factories import case_with_call

    case = case_with_call(advisor)
    response = advisor_client.post(reverse(url_name, args=[case.reference]), data)

    assert response.status_code == 200
    summary = _error_summary(response.content.decode())
    assert "Er ging iets mis bij het opslaan" in summary
    assert re.search(r'<a href="#id_[^"]+"', summary), summary


def test_a_failed_sign_in_has_the_error_summary_without_a_field_to_link_to(client, db):
    page = client.post(reverse("login"), {"username": "niemand", "password": "fout"}).content.decode()

    summary = _error_summary(page)
    assert "Aanmelden is niet gelukt" in summary
    assert "gebruikersnaam en wachtwoord in" in summary
    assert "<a " not in summary


@pytest.mark.parametrize("fixture", ["advisor_client", "team_lead_client"])
def test_every_signed_in_page_has_the_search_box_that_ctrl_k_and_slash_go_to(request, fixture):
    client = request.getfixturevalue(fixture)
    for url in (reverse("start"), reverse("intake:my_cases"), reverse("callbacks_today"), reverse("notifications")):
        page = client.get(url, follow=True).content.decode()
        header = page[page.index("<header>") : page.index("</header>")]
        assert re.search(r'<input[^>]*name="q"[^>]*data-shortcut-search', header), url
        assert f'action="{reverse("intake:search")}"' in header


def test_every_case_and_call_back_status_has_a_badge_colour():
    from caseflow.callbacks.models import CallbackStatus
    from caseflow.cases.models import CaseStatus

    css = (ROOT / "static" / "css" / "caseflow.css").read_text()
    missing = [status for status in [*CaseStatus.values, *CallbackStatus.values] if f".status-{status}" not in css]
    assert missing == []
