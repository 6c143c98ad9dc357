"""The people of a case (who calls, who has parental authority) and the child's
name, for apps that may not import the intake that knows them (consent).

The intake registers its answer in its AppConfig.ready().
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from caseflow.models import Case


@dataclass(frozen=True)
class Party:
    id: int
    name: str
    authority: str  # yes / no / unknown
    phone: str = ""  # E.164


@dataclass(frozen=True)
class CaseParties:
    child_name: str
    people: tuple[Party, ...]


_provider: Callable[[Case], CaseParties] | None = None


def register_case_parties(provider: Callable[[Case], CaseParties]) -> None:
    global _provider
    _provider = provider


def case_parties(case: Case) -> CaseParties:
    return _provider(case) if _provider else CaseParties("", ())


def authority_holders(case: Case) -> set[int]:
    """The ids of the people with parental authority."""
    return {party.id for party in case_parties(case).people if party.authority == "yes"}
