"""Reads of the intake: finding a case while the parent is on the line, spotting a
duplicate before it is made, and the case lists.

Every function returns querysets with what their pages show joined or
prefetched, so a page runs the same few queries for 1 row or 1,000.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import BooleanField, F, Func, Prefetch, Q, QuerySet

from caseflow.cases.models import Case
from caseflow.lib.phones import phone_e164_or_none
from intake.models import Call, CallDraft, Caller, Child
from intake.normalise import search_key

SEARCH_LIMIT = 20
# Longer input is cut: nobody types a name or number this long, and a pasted
# page of text must not become a slow query.
SEARCH_MAX_LENGTH = 100
# Below a trigram a "contains" search cannot use the index; match the start instead.
FRAGMENT_MIN_LENGTH = 3

_REFERENCE = re.compile(r"^(?:(?P<prefix>[A-Z]{1,5})[\s-]*)?(?P<year>\d{4})[\s-]+(?P<number>\d{1,7})$")


@dataclass(frozen=True)
class SearchResult:
    query: str
    kind: str  # "phone", "reference", "name" or "" (nothing to search for)
    cases: list[Case]


def cases_for_lists() -> QuerySet[Case]:
    """Cases with what a list row shows: owner, child, callers and topics."""
    return Case.objects.select_related("owner", "child").prefetch_related(
        "topics", Prefetch("callers", queryset=Caller.objects.order_by("created_at", "id"))
    )


def reference_from(text: str) -> str | None:
    """OO-2026-0042 from "oo 2026 42", "2026-42" or "OO-2026-0042"; None if it is not one."""
    match = _REFERENCE.match(text.strip().upper())
    if not match:
        return None
    prefix = match["prefix"] or settings.CASE_REFERENCE_PREFIX
    return f"{prefix}-{match['year']}-{int(match['number']):04d}"


def case_search(query: str) -> SearchResult:
    """Find cases by phone number (any notation), case reference or part of a name.

    Open cases come first, then the most recently contacted. Any input is safe:
    it only ever reaches the database as a bound parameter.
    """
    text = query.replace("\x00", "").strip()[:SEARCH_MAX_LENGTH]
    reference = reference_from(text)
    if reference:
        return SearchResult(text, "reference", _first(Case.objects.filter(reference=reference).values("pk")))
    phone = phone_e164_or_none(text)
    if phone:
        callers = Caller.objects.filter(Q(phone=phone) | Q(phone_alt=phone))
        return SearchResult(text, "phone", _first(callers.values("case_id")))
    key = search_key(text)
    if not key:
        return SearchResult(text, "", [])
    return SearchResult(text, "name", _first(_case_ids_named(key)))


def _case_ids_named(key: str) -> QuerySet:
    lookup = "search_name__contains" if len(key) >= FRAGMENT_MIN_LENGTH else "search_name__startswith"
    by_caller = Caller.objects.filter(**{lookup: key}).order_by().values("case_id")
    by_child = Child.objects.filter(**{lookup: key}).values("case_id")
    return by_caller.union(by_child)


class _AnyOf(Func):
    """`id = ANY(ARRAY(subquery))`. A common name fragment matches thousands of
    cases; as an array PostgreSQL looks each one up in the covering index of
    the search order, where `id IN (subquery)` made it read the whole table."""

    template = "%(expressions)s)"
    arg_joiner = " = ANY("
    output_field = BooleanField()


def _first(case_ids: QuerySet) -> list[Case]:
    """The first cases of the search order among `case_ids` (a one-column queryset)."""
    if connection.vendor == "postgresql":
        matching = _AnyOf(F("pk"), ArraySubquery(case_ids))
    else:
        matching = Q(pk__in=case_ids)
    open_first = F("closed_at").asc(nulls_first=True)
    ordered = cases_for_lists().filter(matching).order_by(
        open_first, F("last_contact_at").desc(nulls_last=True), "-pk"
    )
    return list(ordered[:SEARCH_LIMIT])


def open_cases_like(
    *, phones: list[str], child_first_name: str, birth_date: date | None, birth_year: int | None
) -> list[Case]:
    """Open cases that a new case would duplicate: the same phone number, or a
    child with the same first name and year of birth."""
    # Each side looked up in its own index, then joined: one OR across the joined caller and
    # child tables could use no index and read every caller and child (190 ms at 200,000 cases).
    same_phone = Caller.objects.filter(Q(phone__in=phones) | Q(phone_alt__in=phones)).order_by().values("case_id")
    year = birth_date.year if birth_date else birth_year
    same_child = (
        Child.objects.filter(search_name=search_key(child_first_name), birth_year=year).order_by().values("case_id")
    )
    if not phones:
        same_phone = same_phone.none()
    if not (child_first_name and year):
        same_child = same_child.none()
    matches = Case.objects.open().filter(pk__in=same_phone.union(same_child)).values("pk")
    return list(cases_for_lists().filter(pk__in=matches).order_by("-last_contact_at")[:5])


# What the parent asks for, and the key questions and facts a call answers about the child's
# situation. They stay true until a parent says otherwise, so a next call on the case starts from
# them (and the advice that follows from them stays). (What was said, advised
# and agreed, the topics and the call's time are that call's own.)
CASE_FACTS = (
    "questions",
    "steps_taken",
    "conflict",
    "disagrees_with_advice",
    "at_home",
    "at_home_since",
    "care_involved",
    "legal_procedure",
    "truancy",
)


def case_facts(case: Case) -> dict:
    """The facts as the case's latest call left them (the call the case's at-home and the
    advice follow), to start the next call's form from; empty for a case without calls."""
    latest = Call.objects.filter(case=case).order_by("-started_at", "-id").values(*CASE_FACTS).first()
    return latest or {}


def drafts_offered(*, author, slot: str, besides: uuid.UUID) -> list[CallDraft]:
    """The advisor's unsaved calls on a page (newest first), apart from the form's own."""
    return list(CallDraft.objects.filter(author=author, slot=slot).exclude(form_token=besides).order_by("-updated_at"))


def draft_of(*, author, slot: str, draft_id: int | None) -> CallDraft | None:
    """One of the advisor's own unsaved calls on this page; None for anyone else's or another page's."""
    if draft_id is None:
        return None
    return CallDraft.objects.filter(author=author, slot=slot, pk=draft_id).first()
