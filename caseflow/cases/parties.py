"""The people of a case (who calls, who has parental authority) and the child's
name, for apps that may not import the intake that knows them (consent).

The intake registers its answer in its AppConfig.ready().
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from caseflow.cases.models import Case


@dataclass(frozen=True)
class Party:
    id: int
    name: str
    authority: str  # yes / no / unknown
    phone: str = ""  # E.164
    email: str = ""


@dataclass(frozen=True)
class CaseParties:
    child_name: str
    people: tuple[Party, ...]


_provider: Callable[[Case], CaseParties] | None = None
# The people of many cases in one read: {case id: people}, for a list or an export over many cases.
_people_provider: Callable[[Iterable[int]], dict[int, tuple[Party, ...]]] | None = None


def register_case_parties(
    provider: Callable[[Case], CaseParties],
    people_of_cases: Callable[[Iterable[int]], dict[int, tuple[Party, ...]]] | None = None,
) -> None:
    global _provider, _people_provider
    _provider, _people_provider = provider, people_of_cases


def case_parties(case: Case) -> CaseParties:
    return _provider(case) if _provider else CaseParties("", ())


def people_of_cases(case_ids: Iterable[int]) -> dict[int, tuple[Party, ...]]:
    """The people of each of these cases (a query of case ids will do), in one read; a case
    without anyone is left out."""
    return _people_provider(case_ids) if _people_provider else {}


def authority_holders(case: Case) -> set[int]:
    """The ids of the people with parental authority."""
    return {party.id for party in case_parties(case).people if party.authority == "yes"}
