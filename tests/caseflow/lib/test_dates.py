"""Dates as Dutch writes them: month names in lower case ("do 3 dec 2026"), on the pages that
format them in templates and in the queue, which formats its rows in Python.

Each test signs in after moving the clock: a session lasts at most 12 hours."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.urls import reverse

from tests.factories import callback_planned, case_with_call
from tests.signin import signed_in_client

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = [ROOT / "templates", *ROOT.glob("*/templates")]
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
TUESDAY_1_DEC = datetime(2026, 12, 1, 9, 0, tzinfo=AMSTERDAM)
FRIDAY_4_DEC = datetime(2026, 12, 4, 9, 0, tzinfo=AMSTERDAM)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_case_page_writes_the_day_and_month_of_a_call_in_lower_case(time_machine, advisor):
    time_machine.move_to(FRIDAY_4_DEC, tick=False)
    case = case_with_call(advisor)  # its call started yesterday, Thursday 3 December, at 9:00

    page = _text(signed_in_client(advisor).get(case.get_absolute_url()).content.decode())

    assert "do 3 dec 2026 09:00" in page
    assert "Dec" not in page


def test_the_call_back_list_writes_the_day_of_a_call_back_due_earlier_in_lower_case(time_machine, advisor):
    time_machine.move_to(TUESDAY_1_DEC, tick=False)
    callback_planned(advisor, datetime(2026, 12, 3, 10, 0, tzinfo=AMSTERDAM), assigned_to=advisor)
    time_machine.move_to(FRIDAY_4_DEC, tick=False)  # still open, so on today's list with its day

    page = _text(signed_in_client(advisor).get(reverse("callbacks_today")).content.decode())

    assert "10:00–10:15 do 3 dec" in page


def test_the_queue_writes_its_dates_in_lower_case(time_machine, team_lead, advisor):
    """The queue's rows are formatted in Python (team_views.queue_rows), not by the date filter."""
    time_machine.move_to(FRIDAY_4_DEC, tick=False)
    case = case_with_call(advisor)  # opened with its call, yesterday

    html = signed_in_client(team_lead).get(reverse("team_queue")).content.decode()

    row = re.search(rf'<tr data-testid="queue-row">.*?{case.reference}.*?</tr>', html, re.S).group(0)
    assert _text(row).endswith("3 dec 2026 3 dec 2026")  # opened, last contact
    assert "Dec" not in row


# The date filter's "M" is the month's abbreviation with a capital ("Dec"); "b" is the same in
# lower case, as Dutch writes it. A backslash escapes a letter ("\M" prints an M).
CAPITAL_MONTH = re.compile(r"""\|date:(["'])((?:(?!\1).)*?(?<!\\)M(?:(?!\1).)*)\1""")


def test_no_template_writes_a_month_with_a_capital():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {found.group(2)}"
        for folder in TEMPLATE_DIRS
        for path in folder.rglob("*.html")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        for found in CAPITAL_MONTH.finditer(line)
    ]
    assert offenders == []


def test_the_guard_above_recognises_a_capital_month():
    assert CAPITAL_MONTH.search('{{ d|date:"D j M Y" }}')
    assert not CAPITAL_MONTH.search('{{ d|date:"D j b Y" }}')
    assert not CAPITAL_MONTH.search("{{ d|date:'j F Y' }}")
