"""The tallies of cases behind the dashboard and the queue's counts (caseflow/team/tally.py, PostgreSQL
triggers): after any mix of changes, through the services, straight to the rows or two advisors
at once, they say what counting the cases says; folding them changes no count."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from caseflow.cases.models import Case
from caseflow.cases.services import (
    case_close,
    case_mark_reviewed,
    case_record_contact,
    case_reopen,
    case_request_review,
    case_set_status,
    cases_reassign,
)
from caseflow.lib.history import bulk_update_tracked
from caseflow.team import tally
from caseflow.team.dashboard import days_back
from caseflow.team.models import CallbackTally, CaseHourTally, CaseTally
from tests.factories import CaseFactory

pytestmark = pytest.mark.postgres


def _groups(rows: list[dict]) -> dict[tuple, int]:
    return {tuple(row[column] for column in tally.GROUP): row["cases"] for row in rows if row["cases"]}


def _hour(moment: datetime, horizon: datetime) -> datetime | None:
    """The hour a moment counts in; None before the horizon, where folding puts it."""
    hour = moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    return hour if hour >= horizon else None


def _hours_summed(horizon: datetime) -> dict[tuple, int]:
    hours = Counter()
    for row in CaseHourTally.objects.values("kind", "hour", "change"):
        hours[row["kind"], row["hour"] and _hour(row["hour"], horizon)] += row["change"]
    return {key: cases for key, cases in hours.items() if cases}


def _hours_counted(horizon: datetime) -> dict[tuple, int]:
    hours = Counter()
    for opened_at, last_contact_at in Case.objects.open().values_list("opened_at", "last_contact_at"):
        hours[tally.OPENED, _hour(opened_at, horizon)] += 1
        hours[tally.CONTACT, _hour(last_contact_at or opened_at, horizon)] += 1
    return dict(hours)


def assert_tally_is_right() -> None:
    assert _groups(tally.summed()) == _groups(tally.counted())
    horizon = tally.horizon(timezone.now())
    assert _hours_summed(horizon) == _hours_counted(horizon)


def test_the_tally_follows_every_kind_of_change(advisor, other_advisor, team_lead):
    cases = [CaseFactory(owner=advisor) for _ in range(8)]
    CaseFactory(owner=None)
    long_open = CaseFactory(owner=advisor)
    long_open.opened_at = timezone.now() - timedelta(days=400)  # before the hour tally's horizon
    bulk_update_tracked([long_open], Case, ["opened_at"])
    assert_tally_is_right()

    case_set_status(case=cases[0], expected_version=cases[0].version, by=advisor, status="in_progress")
    case_close(case=cases[1], expected_version=cases[1].version, by=advisor, reason="answered")
    closed = Case.objects.get(pk=cases[2].pk)
    case_close(case=closed, expected_version=closed.version, by=advisor, reason="duplicate")
    closed.refresh_from_db()
    case_reopen(case=closed, expected_version=closed.version, by=advisor)
    cases_reassign(case_ids=[cases[3].pk, cases[4].pk], by=team_lead, owner=other_advisor)
    cases_reassign(case_ids=[cases[5].pk], by=team_lead, owner=None)
    case_request_review(case=cases[6], by=advisor, question="Klopt dit?")
    case_record_contact(
        case=cases[7], by=advisor, contact_at=timezone.now(), at_home="yes",
        at_home_since=timezone.localdate() - timedelta(weeks=2),
    )  # fmt: skip
    assert_tally_is_right()

    reviewed = Case.objects.get(pk=cases[6].pk)
    case_mark_reviewed(case=reviewed, by=team_lead, comment="Goed zo")
    flagged = list(Case.objects.filter(pk__in=[cases[0].pk, cases[7].pk]))
    for case in flagged:
        case.flagged_at, case.flag_reason = timezone.now(), "Ouder niet bereikt"
    bulk_update_tracked(flagged, Case, ["flagged_at", "flag_reason"])
    Case.objects.get(pk=cases[3].pk).delete()
    closed_long_open = Case.objects.get(pk=long_open.pk)
    case_close(case=closed_long_open, expected_version=closed_long_open.version, by=advisor,
               reason="answered")  # fmt: skip
    assert_tally_is_right()

    tally.compact()
    assert_tally_is_right()
    assert CaseTally.objects.count() == len(_groups(tally.counted()))
    assert CaseHourTally.objects.count() == len(_hours_counted(tally.horizon(timezone.now())))


def test_a_call_that_changes_only_the_last_contact_writes_no_tally_row(advisor):
    case = CaseFactory(owner=advisor)

    def call() -> None:
        case.refresh_from_db()
        case_record_contact(case=case, by=advisor, contact_at=timezone.now(), at_home="no",
                            at_home_since=None)  # fmt: skip

    call()
    call()  # the second contact puts a new case in progress: a change of group
    before = CaseTally.objects.count()
    for _ in range(3):
        call()
    assert Case.objects.get(pk=case.pk).status == "in_progress"
    assert CaseTally.objects.count() == before


def test_a_contact_moves_a_case_to_the_hour_of_that_contact_and_within_the_hour_writes_nothing(advisor):
    case = CaseFactory(owner=advisor)
    case.opened_at = timezone.now() - timedelta(days=3)
    bulk_update_tracked([case], Case, ["opened_at"])
    two_days_ago = (timezone.now() - timedelta(days=2)).replace(minute=5)

    def contact(at: datetime) -> None:
        case.refresh_from_db()
        case_record_contact(case=case, by=advisor, contact_at=at, at_home="no", at_home_since=None)

    contact(two_days_ago)
    rows = CaseHourTally.objects.count()
    contact(two_days_ago + timedelta(minutes=40))
    assert CaseHourTally.objects.count() == rows
    contact(timezone.now())
    assert CaseHourTally.objects.count() == rows + 2  # out of the old hour, into the new
    assert_tally_is_right()


def test_the_dashboards_counts_since_a_day_are_the_cases_counted(advisor):
    now = timezone.now()
    day_starts = [days_back(now, days) for days in (7, 14, 28, 91)]
    openings = [now - timedelta(days=days, hours=days % 5) for days in (0, 1, 6, 8, 20, 40, 90, 92, 300)]
    for index, opened_at in enumerate(
        [*openings, *day_starts, *(start - timedelta(minutes=1) for start in day_starts)]
    ):
        case = CaseFactory(owner=advisor)
        case.opened_at = opened_at  # on the first or last minute of a day counted from, and between
        case.last_contact_at = opened_at + timedelta(hours=index % 7) if index % 3 else None
        bulk_update_tracked([case], Case, ["opened_at", "last_contact_at"])
    tally.compact()
    moments = {f"{kind}-{days}": (kind, days_back(now, days)) for kind in (tally.OPENED, tally.CONTACT)
               for days in (7, 14, 28, 91)}  # fmt: skip

    since = tally.open_cases_since(now, **moments)

    def counted(kind: str, moment: datetime) -> int:
        if kind == tally.OPENED:
            return Case.objects.open().filter(opened_at__gte=moment).count()
        contacted_or_opened = Q(last_contact_at__gte=moment) | Q(last_contact_at=None, opened_at__gte=moment)
        return Case.objects.open().filter(contacted_or_opened).count()

    assert since == {name: counted(kind, moment) for name, (kind, moment) in moments.items()}
    assert since["opened-7"] < since["opened-28"] < since["opened-91"] < Case.objects.open().count()


def test_folding_keeps_every_count_and_leaves_one_row_per_group(advisor, other_advisor):
    case = CaseFactory(owner=advisor)
    for owner in [other_advisor, advisor] * 5:
        cases_reassign(case_ids=[case.pk], by=advisor, owner=owner)
    CaseFactory(owner=other_advisor)
    rows_before, groups = CaseTally.objects.count(), _groups(tally.summed())

    left = tally.compact()

    assert rows_before > CaseTally.objects.count() == len(groups)
    assert left == CaseTally.objects.count() + CaseHourTally.objects.count() + CallbackTally.objects.count()
    assert _groups(tally.summed()) == groups
    assert_tally_is_right()


@pytest.mark.django_db(transaction=True)
def test_advisors_changing_cases_while_the_tally_is_folded_lose_no_change(advisor, other_advisor):
    cases = [CaseFactory(owner=advisor) for _ in range(6)]
    stop = threading.Event()
    errors: list[Exception] = []

    def reassign_back_and_forth(mine: list[Case]) -> None:
        for round_ in range(15):
            owner = other_advisor if round_ % 2 == 0 else advisor
            cases_reassign(case_ids=[case.pk for case in mine], by=advisor, owner=owner)

    def fold_until_stopped() -> None:
        while not stop.is_set():
            tally.compact()

    def guarded(job, *args):
        try:
            job(*args)
        except Exception as error:  # noqa: BLE001 - the test reports it
            errors.append(error)
        finally:
            connection.close()

    writers = [threading.Thread(target=guarded, args=(reassign_back_and_forth, cases[i::2])) for i in range(2)]
    folder = threading.Thread(target=guarded, args=(fold_until_stopped,))
    for thread in [folder, *writers]:
        thread.start()
    for thread in writers:
        thread.join(timeout=60)
    stop.set()
    folder.join(timeout=60)

    assert not errors, errors
    assert_tally_is_right()
    assert _groups(tally.summed()) == {(other_advisor.pk, "new", "no", False, False): 6}


def _tally_pages() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_relation_size('caseflow_casetally') / current_setting('block_size')::int")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)  # the task vacuums, which no transaction may hold
def test_the_beat_folds_the_tally_every_five_minutes_and_gives_its_pages_back(settings, advisor):
    from caseflow.team.tasks import tally_compact

    cases = [CaseFactory(owner=advisor) for _ in range(100)]
    for flagged_at in [timezone.now(), None] * 4:  # 800 rows of +1/-1 that sum to the 100 cases
        for case in cases:
            case.flagged_at = flagged_at
        bulk_update_tracked(cases, Case, ["flagged_at"])
    entry = settings.CELERY_BEAT_SCHEDULE["tally-compact"]
    assert (entry["task"], entry["schedule"]) == ("caseflow.tasks.tally_compact", 300)
    pages_before = _tally_pages()

    left = tally_compact.delay().get()
    assert CaseTally.objects.count() == 1 and left == 1 + CaseHourTally.objects.count() + CallbackTally.objects.count()
    assert_tally_is_right()
    # The first fold writes its row after the burst; the next, into a page the vacuum freed,
    # and the emptied pages behind it are cut off.
    tally_compact.delay().get()
    assert pages_before >= 5 and _tally_pages() == 1
    assert_tally_is_right()
