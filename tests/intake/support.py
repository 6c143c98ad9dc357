"""What the intake tests share: the call screen as an advisor fills it in, and
reading back what a rendered form holds (to show that nothing typed is lost)."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from caseflow.cases.models import Case
from intake.models import Call, Caller, Child

CALL_SCREEN = reverse("intake:call_new")
DRAFT_SAVE = reverse("intake:draft_save")


def minutes_ago(minutes: int) -> str:
    """A start time as the datetime-local input sends it."""
    return (timezone.localtime() - dt.timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M")


def days_ago(days: int) -> str:
    return (timezone.localdate() - dt.timedelta(days=days)).isoformat()


def row_counts() -> dict[str, int]:
    return {
        "cases": Case.objects.count(),
        "callers": Caller.objects.count(),
        "children": Child.objects.count(),
        "calls": Call.objects.count(),
    }


NOTHING = {"cases": 0, "callers": 0, "children": 0, "calls": 0}


def form_grant(client, url: str) -> dict[str, str]:
    """The hidden form_token and draft_grant of the call form at `url`, as a GET gives them."""
    values = form_values(client.get(url).content.decode())
    return {"form_token": values["form_token"][0], "draft_grant": values["draft_grant"][0]}


def new_call(**changes) -> dict:
    """The call screen filled in for a first call; a change of None leaves the field out."""
    data = {
        "beller-name": "Fatima el Amrani",
        "beller-phone": "06-12345678",
        "beller-phone_alt": "020 123 4567",
        "beller-email": "fatima@example.nl",
        "beller-relation": "mother",
        "beller-parental_authority": "yes",
        "beller-voicemail_allowed": "on",
        "kind-first_name": "Yara",
        "kind-birth_year": "2014",
        "kind-school_type": "po",
        "kind-school_name": "De Regenboog",
        "kind-swv": "SWV Amstelland",
        "kind-municipality": "Amstelveen",
        "kind-support_need": "yes",
        "kind-support_kind": "dyslexie",
        "kind-has_opp": "unknown",
        "kind-has_tlv": "no",
        "gesprek-steps_taken": ["teacher", "school_board"],
        "gesprek-conflict": "yes",
        "gesprek-disagrees_with_advice": "on",
        "gesprek-at_home": "yes",
        "gesprek-at_home_since": days_ago(6 * 7),
        "gesprek-care_involved": "on",
        "gesprek-channel": "phone_in",
        "gesprek-started_at": minutes_ago(10),
        "gesprek-duration_minutes": "25",
        "gesprek-notes": "School biedt geen extra ondersteuning.",
        "gesprek-advice": "Vraag een gesprek aan met de intern begeleider.",
        "gesprek-next_step": "Ouder belt terug na het gesprek.",
        "zaak-summary": "Zit thuis sinds de herfstvakantie",
    }
    data.update({key: value for key, value in changes.items() if value is not None})
    for key in [key for key, value in changes.items() if value is None]:
        data.pop(key, None)
    return data


@pytest.fixture
def call_screen(advisor_client):
    """post(**changes): the advisor opens the call screen and sends it filled in, with changes.

    Each post() is the same form (one form_token), as a double click would send it;
    call_screen.fresh() opens the screen again for a new form.
    """

    class Screen:
        client = advisor_client

        def __init__(self):
            self.fresh()

        def fresh(self) -> None:
            self.grant = form_grant(advisor_client, CALL_SCREEN)

        def post(self, **changes):
            return advisor_client.post(CALL_SCREEN, {**self.grant, **new_call(**changes)})

    return Screen()


# --- Reading a rendered form back ------------------------------------------------------


class _FormReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.values: dict[str, list[str]] = defaultdict(list)
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: value if value is not None else "" for name, value in attrs}
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.values[name].append(attrs.get("value", "on"))
            elif kind not in ("submit", "button") and attrs.get("value", "") != "":
                self.values[name].append(attrs["value"])
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name].append("")
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.values[self._select].append(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea:
            # A browser drops the newline that follows <textarea>; so does Django's widget expect it to.
            text = self.values[self._textarea][-1]
            self.values[self._textarea][-1] = text[1:] if text.startswith("\n") else text
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea][-1] += data


def form_values(html: str) -> dict[str, list[str]]:
    """What each named field of the page holds, as a browser would send it (minus blanks)."""
    reader = _FormReader()
    reader.feed(html)
    return {name: values for name, values in reader.values.items() if values != [""]}


def assert_form_keeps(html: str, sent: dict, *, except_fields=()) -> None:
    """Every value that was sent is in the re-rendered form, apart from `except_fields`."""
    shown = form_values(html)
    lost = {}
    for name, value in sent.items():
        if name in except_fields or name in ("form_token", "draft_grant", "version") or value in ("", None):
            continue
        expected = sorted(value) if isinstance(value, list) else [value]
        if sorted(shown.get(name, [])) != expected:
            lost[name] = (value, shown.get(name))
    assert not lost, f"the form lost what was typed (sent, shown): {lost}"


def field_errors(response, prefix: str, field: str) -> list[str]:
    """The errors of one field of the form `prefix` in the page's context."""
    return list(response.context[prefix].errors.get(field, []))


def has_error_on(html: str, field_id: str) -> bool:
    """crispy draws a field's error next to it as <... id="error_1_id_<field>">."""
    return re.search(rf'id="error_\d+_id_{re.escape(field_id)}"', html) is not None
