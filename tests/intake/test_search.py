"""Finding a case while the parent is on the line: by phone number in any notation, by
reference however typed, by part of a name; and any input at all answers, never an error.

These run on whichever database is configured (SQLite or PostgreSQL); the last test
checks PostgreSQL's trigram index.
"""

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from caseflow.cases.services import case_close
from caseflow.lib.history import bulk_create_tracked
from intake.models import Caller, Child
from intake.normalise import search_key
from intake.selectors import SEARCH_LIMIT
from tests.factories import CallerFactory, CallFactory, case_with_call

SEARCH = reverse("intake:search")


@pytest.fixture
def fatima_case(advisor):
    """Fatima Ünal-de Vries (06-12345678) calls about Yara."""
    return case_with_call(advisor, caller_name="Fatima Ünal-de Vries", phone="+31612345678", child_name="Yara")


def search(client, query: str, *, htmx: bool = True):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.get(SEARCH, {"q": query}, **headers)
    assert response.status_code == 200, response.content[:500]
    return response


def found(client, query: str) -> list[str]:
    """The references the search shows for `query`, in order."""
    return [case.reference for case in search(client, query).context["result"].cases]


# --- What finds a case -------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["06-12345678", "0612345678", "+31 6 12345678", "0031612345678", "06 1234 5678",
                                   "+31 (0)6 12345678", "+31612345678"])
def test_a_phone_number_in_any_notation_finds_the_case(advisor_client, fatima_case, typed):
    assert found(advisor_client, typed) == [fatima_case.reference]
    assert search(advisor_client, typed).context["result"].kind == "phone"


def test_the_other_number_of_a_caller_finds_the_case(advisor_client, fatima_case):
    CallerFactory(case=fatima_case, phone="+31687654321", phone_alt="+31201234567")
    assert found(advisor_client, "020-1234567") == [fatima_case.reference]


def test_a_number_nobody_called_from_finds_nothing(advisor_client, fatima_case):
    page = search(advisor_client, "06 99999999").content.decode()
    assert "Geen zaken gevonden. Begin hieronder een nieuwe zaak." in page


@pytest.mark.parametrize("typed", ["oo {year} {number}", "OO-{year}-{padded}", "oo-{year}-{padded}",
                                   "{year}-{number}", "  OO {year} {padded}  "])
def test_a_reference_typed_in_lower_case_or_with_spaces_finds_the_case(advisor_client, fatima_case, typed):
    year, padded = fatima_case.reference.split("-")[1:]
    query = typed.format(year=year, padded=padded, number=int(padded))
    assert found(advisor_client, query) == [fatima_case.reference]


def test_a_reference_that_does_not_exist_finds_nothing(advisor_client, fatima_case):
    year = fatima_case.reference.split("-")[1]
    assert found(advisor_client, f"oo {year} 9999") == []


@pytest.mark.parametrize("typed", ["Unal", "ünal", "ÜNAL", "de vries", "Vries", "tima", "Fatima Unal", "yara", "Yar"])
def test_a_fragment_of_the_callers_or_childs_name_finds_the_case_whatever_the_accents(
    advisor_client, fatima_case, typed
):
    assert found(advisor_client, typed) == [fatima_case.reference]


def test_a_name_typed_with_an_accent_finds_a_name_stored_without(advisor_client, advisor):
    case = case_with_call(advisor, caller_name="Zoe Janssen", child_name="Noe")
    assert found(advisor_client, "Zoë") == [case.reference]


def test_a_two_letter_fragment_matches_names_that_start_with_it(advisor_client, advisor):
    li = case_with_call(advisor, caller_name="Li Wei", child_name="Mei")
    lisa = case_with_call(advisor, caller_name="Karel Smit", child_name="Lisa")
    ali = case_with_call(advisor, caller_name="Ali Kaya", child_name="Elif")

    shown = found(advisor_client, "li")
    assert set(shown) == {li.reference, lisa.reference}
    assert ali.reference not in shown


def test_a_single_letter_matches_names_that_start_with_it(advisor_client, advisor):
    case = case_with_call(advisor, caller_name="Quinten de Wit", child_name="Mats")
    case_with_call(advisor, caller_name="Anouk Bakker", child_name="Tess")
    assert found(advisor_client, "q") == [case.reference]


def test_open_cases_come_before_closed_ones_then_the_latest_contact(advisor_client, advisor):
    older = case_with_call(advisor, caller_name="Jan Smit", child_name="Roos", calls=3)  # last contact yesterday
    newer = case_with_call(advisor, caller_name="Jan Smit", child_name="Bas")
    CallFactory(case=newer, started_at=timezone.now() - dt.timedelta(hours=2))
    closed = case_with_call(advisor, caller_name="Jan Smit", child_name="Tim")
    CallFactory(case=closed, started_at=timezone.now() - dt.timedelta(minutes=5))  # the latest contact of all
    case_close(case=closed, expected_version=closed.version, by=advisor, reason="answered")

    assert found(advisor_client, "jan smit") == [newer.reference, older.reference, closed.reference]


def test_a_common_name_shows_the_first_twenty_matches(advisor_client, advisor):
    for _ in range(SEARCH_LIMIT + 3):
        case_with_call(advisor, caller_name="Mohamed Jansen")
    response = search(advisor_client, "jansen")
    assert len(response.context["result"].cases) == SEARCH_LIMIT
    assert f"({SEARCH_LIMIT}+)" in response.content.decode()


# --- Any input answers -------------------------------------------------------------------------


ODD_INPUT = {
    "empty": "",
    "spaces": "   ",
    "single quote": "'",
    "double quotes": '""',
    "percent": "%",
    "underscore": "_",
    "underscores": "___",
    "backslash": "\\",
    "sql": "'; DROP TABLE intake_caller; --",
    "sql or": "' OR '1'='1",
    "nul byte": "a\x00b",
    "only nul": "\x00",
    "5000 characters": "x" * 5000,
    "5000 digits": "0" * 5000,
    "emoji": "👩‍👧",
    "right to left": "مريم",
    "html": "<script>alert(1)</script>",
    "half a reference": "2026-",
    "plus": "+",
    "brackets": "()[]{}",
    "regex": ".*",
}


@pytest.mark.parametrize("query", ODD_INPUT.values(), ids=ODD_INPUT.keys())
def test_any_input_answers_with_no_case_and_no_error(advisor_client, fatima_case, query):
    response = search(advisor_client, query)
    assert response.context["result"].cases == []
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert Caller.objects.filter(pk__in=fatima_case.callers.all()).exists()  # nothing was dropped


@pytest.mark.parametrize(
    "query",
    ['"Ünal"', "'Ünal'", "Ünal%", "%nal", "Ünal; --", "👩‍👧 Ünal", "Ünal\x00", "  Ünal  ", "Ünal" + " " * 5000],
)
def test_a_name_wrapped_in_odd_characters_still_finds_the_case(advisor_client, fatima_case, query):
    assert found(advisor_client, query) == [fatima_case.reference]


def test_a_search_longer_than_anyone_types_is_cut_not_refused(advisor_client, fatima_case):
    response = search(advisor_client, "Fatima " + "x" * 5000)
    assert response.context["result"].kind == "name" and response.context["result"].cases == []


def test_the_empty_search_asks_for_a_number_name_or_reference(advisor_client, fatima_case):
    response = search(advisor_client, "", htmx=False)
    assert response.context["result"].kind == "" and response.context["result"].cases == []


def test_the_typed_text_reaches_the_database_only_as_a_parameter(advisor_client, fatima_case):
    seen = []

    def remember(execute, sql, params, many, context):
        seen.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(remember):
        search(advisor_client, "x'); DROP TABLE intake_child; --")

    assert not [sql for sql, _ in seen if "DROP" in sql.upper()]
    assert [params for sql, params in seen if "search_name" in sql and "%x drop table intake child%" in params]
    assert Child.objects.count() == 1


# --- htmx and the whole page -------------------------------------------------------------------


def test_an_htmx_request_gets_only_the_results(advisor_client, fatima_case):
    page = search(advisor_client, "0612345678").content.decode()
    assert "<html" not in page and "<body" not in page
    assert 'data-testid="search-results"' in page and fatima_case.reference in page


def test_without_htmx_the_search_is_a_whole_page_with_the_query_in_the_box(advisor_client, fatima_case):
    page = search(advisor_client, "06-12345678", htmx=False).content.decode()
    assert page.startswith("<!doctype html>") and "<html" in page
    assert fatima_case.reference in page and 'value="06-12345678"' in page


# --- PostgreSQL: the name search uses its trigram index -----------------------------------------


@pytest.mark.postgres
def test_the_name_search_has_trigram_and_prefix_indexes(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('intake_caller', 'intake_child')"
        )
        indexes = dict(cursor.fetchall())
    for table in ("intake_caller", "intake_child"):
        assert "gin_trgm_ops" in indexes[f"{table}_search_name_trgm"]
        assert "text_pattern_ops" in indexes[f"{table}_search_name_prefix"]


def _plans_of_the_name_search(client, query: str) -> str:
    """EXPLAIN of each query the search page ran that looks at names."""
    seen = []

    def remember(execute, sql, params, many, context):
        seen.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(remember):
        search(client, query)
    plans = []
    with connection.cursor() as cursor:
        for sql, params in seen:
            if "search_name" in sql:
                cursor.execute("EXPLAIN " + sql, params)
                plans.append("\n".join(row[0] for row in cursor.fetchall()))
    assert plans, "the search ran no query on names"
    return "\n\n".join(plans)


@pytest.mark.postgres
def test_the_name_search_can_use_its_indexes(advisor_client, advisor):
    """The queries as the search writes them match the indexes (an `icontains`, which
    wraps the column in UPPER(), could not use them). At test volume a table scan is
    cheaper, so scans are priced out: what is left is whether an index can answer."""
    from faker import Faker

    fake = Faker("nl_NL")
    fake.seed_instance(3)
    case = case_with_call(advisor)
    # Volume without the services: only the search's rows matter here.
    bulk_create_tracked(
        [Caller(case=case, name=name, search_name=search_key(name)) for name in (fake.name() for _ in range(2000))],
        Caller,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE intake_caller")
        cursor.execute("SET LOCAL enable_seqscan = off")  # until the test's transaction ends

    fragment_plan = _plans_of_the_name_search(advisor_client, "jans")
    assert "intake_caller_search_name_trgm" in fragment_plan, fragment_plan
    assert "intake_child_search_name_trgm" in fragment_plan, fragment_plan
    prefix_plan = _plans_of_the_name_search(advisor_client, "ja")
    assert "intake_caller_search_name_prefix" in prefix_plan, prefix_plan
