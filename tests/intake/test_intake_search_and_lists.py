"""Finding a case while the parent is on the line, and the case lists; with
query counts that do not grow with the number of rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caseflow import services as case_services
from tests.factories import case_with_call

SEARCH = reverse("intake:search")


@pytest.fixture
def fatima_case(advisor):
    return case_with_call(advisor, caller_name="Fatima Ünal-de Vries", phone="+31612345678", child_name="Yara")


def _found(client, query: str) -> str:
    response = client.get(SEARCH, {"q": query}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("typed", ["06-12345678", "0612345678", "+31 6 12345678", "0031612345678", "06 1234 5678"])
def test_a_phone_number_in_any_notation_finds_the_case(advisor_client, fatima_case, typed):
    assert fatima_case.reference in _found(advisor_client, typed)


@pytest.mark.parametrize("typed", ["unal", "Ünal", "DE VRIES", "tima", "yara"])
def test_a_fragment_of_the_parents_or_childs_name_finds_the_case(advisor_client, fatima_case, typed):
    assert fatima_case.reference in _found(advisor_client, typed)


def test_a_reference_typed_loosely_finds_the_case(advisor_client, fatima_case):
    year, number = fatima_case.reference.split("-")[1:]
    assert fatima_case.reference in _found(advisor_client, f"oo {year} {int(number)}")
    assert fatima_case.reference in _found(advisor_client, f"{year}-{number}")


def test_a_two_letter_fragment_matches_names_that_start_with_it(advisor_client, advisor):
    li = case_with_call(advisor, caller_name="Li Wei", child_name="Mei")
    ali = case_with_call(advisor, caller_name="Ali Kaya", child_name="Elif")
    page = _found(advisor_client, "li")
    assert li.reference in page and ali.reference not in page


def test_open_cases_come_before_closed_ones(advisor_client, advisor):
    closed = case_with_call(advisor, caller_name="Jan Smit", calls=1)
    case_services.case_close(case=closed, expected_version=closed.version, by=advisor, reason="answered")
    still_open = case_with_call(advisor, caller_name="Jan Smit", child_name="Tim")
    page = _found(advisor_client, "jan smit")
    assert page.index(still_open.reference) < page.index(closed.reference)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "'",
        '"Fatima"',
        "%",
        "_",
        "\\",
        "'; DROP TABLE intake_caller; --",
        "a\x00b",
        "x" * 5000,
        "👩‍👧 Ünal",
        "<script>alert(1)</script>",
        "2026-",
        "+",
    ],
)
def test_any_search_input_answers_without_error(advisor_client, fatima_case, query):
    page = _found(advisor_client, query)
    assert "<script>alert(1)</script>" not in page
    assert fatima_case.callers.exists()  # nothing was dropped


def test_percent_and_underscore_are_not_wildcards(advisor_client, fatima_case):
    assert fatima_case.reference not in _found(advisor_client, "%")
    assert fatima_case.reference not in _found(advisor_client, "___")


def test_without_htmx_the_search_is_a_whole_page(advisor_client, fatima_case):
    page = advisor_client.get(SEARCH, {"q": "0612345678"}).content.decode()
    assert page.startswith("<!doctype html>") and fatima_case.reference in page
    assert not _found(advisor_client, "0612345678").lstrip().startswith("<!doctype")


def test_lists_show_my_open_cases_and_filter_them(advisor_client, advisor, other_advisor):
    mine = case_with_call(advisor, caller_name="Mijn Beller")
    theirs = case_with_call(other_advisor, caller_name="Hun Beller")
    at_home = case_with_call(advisor, caller_name="Thuis Beller", at_home="yes", at_home_since="2026-01-05")

    my_page = advisor_client.get(reverse("intake:my_cases")).content.decode()
    assert mine.reference in my_page and at_home.reference in my_page and theirs.reference not in my_page

    filtered = advisor_client.get(reverse("intake:my_cases"), {"at_home": "yes"}).content.decode()
    assert at_home.reference in filtered and mine.reference not in filtered

    everyone = advisor_client.get(reverse("intake:all_cases")).content.decode()
    assert theirs.reference in everyone and mine.reference in everyone

    case_services.case_close(case=mine, expected_version=mine.version, by=advisor, reason="answered")
    assert mine.reference not in advisor_client.get(reverse("intake:my_cases")).content.decode()
    closed = advisor_client.get(reverse("intake:my_cases"), {"status": "closed"}).content.decode()
    assert mine.reference in closed


# --- Query counts -----------------------------------------------------------------------


def _queries(client, url: str, params: dict | None = None) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured), [query["sql"] for query in captured.captured_queries]


def _assert_constant(client, url, grow, params=None, ceiling=15):
    """The page's queries are the same with 2 rows as with 30 (prints the SQL if not)."""
    grow(2)
    few, few_sql = _queries(client, url, params)
    grow(28)
    many, many_sql = _queries(client, url, params)
    assert few == many, "queries grew with the rows:\n" + "\n".join(many_sql)
    assert many <= ceiling, "\n".join(many_sql)


@pytest.mark.parametrize(
    ("url", "params"),
    [
        (reverse("intake:my_cases"), None),
        (reverse("intake:all_cases"), None),
        (reverse("intake:all_cases"), {"topic": "", "at_home": "no"}),
        (SEARCH, {"q": "jansen"}),
        (SEARCH, {"q": "0687654321"}),
    ],
)
def test_list_pages_run_a_fixed_number_of_queries(advisor_client, advisor, url, params):
    def grow(count):
        for _ in range(count):
            case_with_call(advisor, caller_name="Piet Jansen", phone="+31687654321")

    _assert_constant(advisor_client, url, grow, params)


def test_the_case_page_runs_a_fixed_number_of_queries(advisor_client, advisor):
    from intake import services

    case = case_with_call(advisor)
    url = case.get_absolute_url()

    def grow(count):
        for _ in range(count):
            services.call_log(case=case, by=advisor, call={}, topics=[])
            services.caller_add(case=case, by=advisor, fields={"name": "Nog een ouder"})

    # session, user, 2x permissions, groups; the case and its topics; each panel's own few
    # (child, callers, calls + topics; the advice: referrals, latest call, parameters, lokets;
    # consent: records, purposes, open tasks).
    _assert_constant(advisor_client, url, grow, ceiling=24)
