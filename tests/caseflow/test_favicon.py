"""The tab's icon: our own small SVG, linked from every page, and /favicon.ico (which browsers ask
for by themselves) answers instead of a 404 in every log."""

from __future__ import annotations

import re
import time
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.urls import reverse

from caseflow.accounts.security import ACTIVE_AT

ROOT = Path(__file__).resolve().parents[2]
FAVICON = ROOT / "static" / "favicon.svg"


def _icon_link(html: str) -> str:
    return re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', html).group(1)


@pytest.mark.parametrize(("fixture", "page"), [("client", "login"), ("advisor_client", "start")])
def test_every_page_links_the_icon_and_the_icon_is_served(request, fixture, page, db):
    client = request.getfixturevalue(fixture)

    href = _icon_link(client.get(reverse(page)).content.decode())

    assert href == "/static/favicon.svg"
    icon = client.get(href)
    assert icon.status_code == 200 and icon["Content-Type"].startswith("image/svg+xml")


@pytest.mark.parametrize("fixture", ["client", "advisor_client"])
def test_favicon_ico_sends_the_browser_to_the_icon_instead_of_a_404(request, fixture, db):
    client = request.getfixturevalue(fixture)

    response = client.get("/favicon.ico")

    assert response.status_code == 302 and response["Location"] == "/static/favicon.svg"
    assert client.get(response["Location"]).status_code == 200


def test_asking_for_the_icon_does_not_count_as_activity(advisor_client):
    """A browser asks for the icon by itself; the idle sign-out counts what the advisor does."""
    session = advisor_client.session
    session[ACTIVE_AT] = idle_since = time.time() - 120
    session.save()

    advisor_client.get("/favicon.ico")

    assert advisor_client.session[ACTIVE_AT] == idle_since


def test_the_icon_is_our_own_small_svg_with_nothing_from_elsewhere():
    text = FAVICON.read_text()
    svg = ElementTree.fromstring(text)

    assert svg.tag == "{http://www.w3.org/2000/svg}svg" and svg.get("viewBox")
    assert len(text) < 1000
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", text)  # no font, image or link from elsewhere
    assert "<script" not in text
