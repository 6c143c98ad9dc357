"""Every list page and the case page run the same number of queries for 2 rows as for 30:
what a row shows is joined or prefetched, never fetched per row. A failure prints the SQL."""

import pytest
from django.urls import reverse

from intake import services
from tests.factories import CallerFactory, CallFactory, case_with_call
from tests.querycount import assert_constant_queries
from tests.querycount import page_queries as queries_of


def _jansen_cases(advisor, count: int) -> None:
    for _ in range(count):
        case_with_call(advisor, caller_name="Piet Jansen", phone="+31687654321", callers=2, calls=2)


# The list pages: session, user, the second-factor device, groups/permissions, the count, the page of cases with
# owner and child joined, callers and topics prefetched.
@pytest.mark.parametrize(
    ("url", "params", "ceiling"),
    [
        (reverse("intake:my_cases"), None, 13),
        (reverse("intake:all_cases"), None, 13),
        (reverse("intake:all_cases"), {"status": "all", "at_home": "no", "school_type": "po"}, 13),
        (reverse("intake:search"), {"q": "jansen"}, 12),
        (reverse("intake:search"), {"q": "06-87654321"}, 12),
        (reverse("intake:search"), {"q": "pi"}, 12),
    ],
    ids=["my cases", "all cases", "all cases filtered", "search by name", "search by phone", "search by prefix"],
)
def test_a_list_page_runs_the_same_queries_for_2_rows_as_for_30(advisor_client, advisor, url, params, ceiling):
    _jansen_cases(advisor, 2)
    few = queries_of(advisor_client, url, params)
    _jansen_cases(advisor, 28)
    many = queries_of(advisor_client, url, params)

    assert_constant_queries(few, many, ceiling=ceiling)


def test_the_search_of_an_htmx_request_runs_the_same_queries_for_2_rows_as_for_30(advisor_client, advisor):
    def partial():
        return queries_of(advisor_client, reverse("intake:search"), {"q": "jansen"}, HTTP_HX_REQUEST="true")

    _jansen_cases(advisor, 2)
    few = partial()
    _jansen_cases(advisor, 28)
    assert_constant_queries(few, partial(), ceiling=10)


# The case page: session, user, permissions; the case and its topics; each panel's own
# few (child, callers, calls with their topics; the referral advice; consent).
CASE_PAGE_CEILING = 26


def test_the_case_page_runs_the_same_queries_for_1_call_as_for_10(advisor_client, advisor):
    case = case_with_call(advisor)
    few = queries_of(advisor_client, case.get_absolute_url())
    for _ in range(9):
        CallFactory(case=case)
    many = queries_of(advisor_client, case.get_absolute_url())

    assert case.calls.count() == 10
    assert_constant_queries(few, many, ceiling=CASE_PAGE_CEILING)


def test_the_case_page_runs_the_same_queries_for_1_caller_as_for_3(advisor_client, advisor):
    case = case_with_call(advisor)
    few = queries_of(advisor_client, case.get_absolute_url())
    CallerFactory(case=case), CallerFactory(case=case)
    many = queries_of(advisor_client, case.get_absolute_url())

    assert case.callers.count() == 3
    assert_constant_queries(few, many, ceiling=CASE_PAGE_CEILING)


def test_the_call_form_of_a_case_runs_the_same_queries_for_1_call_as_for_10(advisor_client, advisor):
    case = case_with_call(advisor)
    url = reverse("intake:call_add", args=[case.reference])
    few = queries_of(advisor_client, url)
    for _ in range(9):
        services.call_log(case=case, by=advisor, call={}, topics=[])
    assert_constant_queries(few, queries_of(advisor_client, url), ceiling=CASE_PAGE_CEILING)
