"""Realistic Dutch cases in bulk, for `make run` (a few dozen) and `make bench` (200,000).

Rows are inserted with bulk_create, in chunks, and so are the history rows a
normal save would have written: the case's creation (and its closing), each
caller, child and call, and the historical rows of their topics. Values come
from pools drawn once with Faker nl_NL: Faker per row would take hours at the
benchmark's volume.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from faker import Faker

from caseflow.accounts import roles
from caseflow.cases.models import AtHome, Case, CaseReferenceCounter, CaseStatus, CloseReason, Topic
from caseflow.demo import demo_rows_showing
from caseflow.lib.history import writes_keeping_history_otherwise
from intake.models import (
    Call,
    Caller,
    Channel,
    Child,
    ParentQuestion,
    Relation,
    SchoolType,
    StepTaken,
    YesNoUnknown,
)
from intake.normalise import search_key

CHUNK = 2_000
# At volume the team has more advisors than the two demo accounts.
EXTRA_ADVISORS_FROM = 1_000
EXTRA_ADVISORS = 20

# Ages at which children are in each school type, for plausible birth years.
_AGES = {
    SchoolType.PO: (4, 12), SchoolType.SBO: (4, 12), SchoolType.SO: (4, 12), SchoolType.VO: (12, 18),
    SchoolType.VSO: (12, 20), SchoolType.MBO: (16, 23), SchoolType.HBO_WO: (18, 26), SchoolType.NONE: (5, 17),
}
_SCHOOL_TYPE_WEIGHTS = [30, 8, 10, 25, 8, 10, 2, 7]
# Most parents call once or twice; a few call about the same child for months.
_CALLS_PER_CASE = [1, 2, 3, 4, 5, 6, 8, 10]
_CALLS_WEIGHTS = [32, 24, 14, 10, 6, 6, 4, 4]
_OPEN_STATUSES = [CaseStatus.IN_PROGRESS, CaseStatus.REFERRED, CaseStatus.AWAITING_CALLBACK]
_NOTES = [
    "Moeder vertelt dat de school de extra ondersteuning heeft stopgezet.",
    "Vader wil weten wat hij kan doen nu de school het kind niet meer toelaat.",
    "Kind zit sinds de vakantie thuis; school zoekt geen passende plek.",
    "Ouders zijn het oneens met het ontwikkelingsperspectief.",
    "Gesprek met de intern begeleider heeft niets opgeleverd.",
    "Het samenwerkingsverband heeft de TLV afgewezen.",
    "Ouder vraagt wie het leerlingenvervoer moet regelen.",
]
_ADVICE = [
    "Eerst een gesprek met de schoolleiding aanvragen en de afspraken op papier zetten.",
    "Contact opnemen met het samenwerkingsverband over de ondersteuningsmogelijkheden.",
    "Een onderwijsconsulent inschakelen; eerst het schoolbestuur en het SWV betrekken.",
    "Het Juiste Loket vragen wie verantwoordelijk is voor zorg op school.",
]
_NEXT_STEPS = ["Ouder belt school", "Wij bellen terug na het gesprek", "Ouder neemt contact op met SWV", ""]
# How many things a parent asks for on one call (none, one, two), and how often each
# (ParentQuestion's order: information, rights and duties, mediation, complaint or signal,
# unequal treatment, right to education, funding of care).
_QUESTIONS_ASKED = [25, 60, 15]
_QUESTION_WEIGHTS = [34, 18, 22, 10, 4, 5, 7]
_SCHOOL_NAMES = ["De Regenboog", "Het Baken", "De Wegwijzer", "Sint Jozef", "De Vlinder", "Het Lyceum",
                 "Montessorischool", "De Klimop", "Het College", "De Horizon"]
_SWVS = ["SWV PO Amsterdam", "SWV VO Utrecht", "SWV Rijnmond", "SWV Eindhoven", "SWV Groningen", "SWV Haaglanden"]


@dataclass
class _Pools:
    first_names: list[str]
    last_names: list[str]
    municipalities: list[str]
    advisors: list = field(default_factory=list)
    topics: list = field(default_factory=list)


def _pools(rng: random.Random, advisors: list) -> _Pools:
    fake = Faker("nl_NL")
    fake.seed_instance(rng.random())
    return _Pools(
        first_names=[fake.first_name() for _ in range(400)],
        last_names=[fake.last_name() for _ in range(400)],
        municipalities=[fake.city() for _ in range(150)],
        advisors=advisors,
        topics=list(Topic.objects.filter(active=True)),
    )


def _advisors(count: int) -> list:
    """Demo advisors first (they should see cases in "my cases"), then extra ones at volume."""
    user_model = get_user_model()
    group = Group.objects.get(name=roles.ADVISOR)
    if count >= EXTRA_ADVISORS_FROM:
        for number in range(3, 3 + EXTRA_ADVISORS):
            user, created = user_model.objects.get_or_create(
                username=f"adviseur{number:02d}", defaults={"first_name": "Adviseur", "last_name": f"{number:02d}"}
            )
            if created:
                user.set_unusable_password()
                user.save()
                user.groups.add(group)
    return list(user_model.objects.filter(groups=group, is_active=True).order_by("username"))


def demo_cases_seed(*, count: int, seed: int | None = None) -> int:
    """Add `count` cases with callers, children and calls; returns the number of calls.

    Repeatable: the same seed on the same database gives the same data. By default
    the seed follows the number of cases, so a second run adds new people.
    """
    rng = random.Random(Case.objects.count() if seed is None else seed)
    advisors = _advisors(count)
    if not advisors:
        return 0
    pools = _pools(rng, advisors)
    now = timezone.now()
    span_days = 3650 if count >= EXTRA_ADVISORS_FROM else 120
    # Recent years denser; each case opens during office hours, before it is numbered,
    # so that the reference's year and order follow the opening moment.
    opened = sorted(_in_office_hours(rng, now - dt.timedelta(days=span_days * rng.random() ** 1.6))
                    for _ in range(count))
    references = iter(_references(opened))
    calls = 0
    for start in range(0, count, CHUNK):
        with transaction.atomic():
            calls += _seed_chunk(rng, pools, opened[start : start + CHUNK], references, now)
    return calls


def _references(opened: list[dt.datetime]) -> list[str]:
    """References continuing each year's counter, in the order the cases were opened.

    The counters are moved on at once, so a case opened in the UI meanwhile
    cannot take one of these numbers.
    """
    from django.conf import settings

    years = {timezone.localtime(moment).year for moment in opened}
    last = dict(CaseReferenceCounter.objects.filter(year__in=years).values_list("year", "last_number"))
    references = []
    for moment in opened:
        year = timezone.localtime(moment).year
        last[year] = last.get(year, 0) + 1
        references.append(f"{settings.CASE_REFERENCE_PREFIX}-{year}-{last[year]:04d}")
    for year in years:
        CaseReferenceCounter.objects.update_or_create(year=year, defaults={"last_number": last[year]})
    return references


@dataclass
class _Chunk:
    cases: list = field(default_factory=list)
    callers: list = field(default_factory=list)
    children: list = field(default_factory=list)
    calls: list = field(default_factory=list)
    case_topics: list = field(default_factory=list)  # (case, [topics])
    call_topics: list = field(default_factory=list)  # (call, [topics])


def _seed_chunk(rng: random.Random, pools: _Pools, opened: list, references: Iterator[str], now) -> int:
    chunk = _Chunk()
    for opened_at in opened:
        _one_case(rng, pools, chunk, opened_at, next(references), now)
    _insert(chunk)
    return len(chunk.calls)


def _one_case(rng, pools: _Pools, chunk: _Chunk, opened_at, reference: str, now) -> None:
    owner = rng.choice(pools.advisors)
    calls_made = rng.choices(_CALLS_PER_CASE, _CALLS_WEIGHTS)[0]
    age_days = (now - opened_at).days
    # About 70% of a ten-year archive is closed; a fresh case rarely is.
    closed = age_days > 60 and rng.random() < 0.72 or age_days > 14 and rng.random() < 0.2
    end = opened_at + dt.timedelta(days=min(age_days, rng.randint(1, 90))) if closed else now
    # A case is opened by its first call; later calls fall between opening and closing (or now).
    moments = [opened_at] + sorted(
        max(opened_at, _in_office_hours(rng, opened_at + (end - opened_at) * rng.random()))
        for _ in range(calls_made - 1)
    )
    topics = rng.sample(pools.topics, k=rng.choice([1, 1, 2, 3]))
    case = Case(reference=reference, owner=owner, opened_at=opened_at, summary=rng.choice(_NOTES)[:120])
    case._history_user, case._history_date = owner, opened_at
    chunk.cases.append(case)
    chunk.case_topics.append((case, topics))
    _caller_and_child(rng, pools, chunk, case, opened_at)
    last_call = None
    for number, moment in enumerate(moments):
        # A parent who calls back gets whoever picks up: now and then a colleague.
        advisor = owner if number == 0 or rng.random() < 0.8 else rng.choice(pools.advisors)
        last_call = _call(rng, pools, chunk, case, moment, advisor, topics)
    case.last_contact_at = last_call.started_at
    case.at_home, case.at_home_since = last_call.at_home, last_call.at_home_since
    if closed:
        case.status = CaseStatus.CLOSED
        case.closed_at = min(moments[-1] + dt.timedelta(hours=rng.randint(1, 72)), now)
        case.close_reason = rng.choice([CloseReason.ANSWERED, CloseReason.REFERRED, CloseReason.NO_CONTACT])
    else:
        case.status = CaseStatus.NEW if calls_made == 1 else rng.choice(_OPEN_STATUSES)


# Dutch mobile numbers that libphonenumber accepts as valid: 061-065 and 068.
_MOBILE_PREFIXES = "123458"


def _in_office_hours(rng: random.Random, moment: dt.datetime) -> dt.datetime:
    """The same day at a time the line is open (10:00-13:00 by default), closed days moved
    to the next open day; never in the future."""
    from django.conf import settings

    day = timezone.localtime(moment).date()
    # A random later open day, not always the next one: weekends would pile up on Mondays.
    while day.weekday() not in settings.OFFICE_DAYS:
        day += dt.timedelta(days=rng.randrange(1, 8))
    opens, closes = settings.OFFICE_HOURS
    minutes = (closes.hour - opens.hour) * 60 + closes.minute - opens.minute
    start = dt.datetime.combine(day, opens) + dt.timedelta(minutes=rng.randrange(max(minutes, 1)))
    return min(timezone.make_aware(start), timezone.now())


# Two-digit area codes of larger towns (010 Rotterdam, 020 Amsterdam, ...); a subscriber
# number of seven digits starting 2-9 makes a number libphonenumber accepts.
_AREA_CODES = ["10", "13", "20", "24", "26", "30", "33", "40", "43", "50", "53", "70", "72", "76"]


def random_phone(rng: random.Random, *, landline: bool = False) -> str:
    """A valid Dutch number in E.164: +316xxxxxxxx, or a landline +31AAxxxxxxx (also for the inbox's demo)."""
    if landline:
        return f"+31{rng.choice(_AREA_CODES)}{rng.randrange(2_000_000, 10_000_000)}"
    return f"+316{rng.choice(_MOBILE_PREFIXES)}{rng.randrange(1_000_000, 10_000_000)}"


def _caller_and_child(rng, pools: _Pools, chunk: _Chunk, case: Case, opened_at) -> None:
    family_name = rng.choice(pools.last_names)
    for number in range(rng.choice([1, 1, 1, 2])):
        name = f"{rng.choice(pools.first_names)} {family_name}"
        caller = Caller(
            # search_name as save() would set it: bulk_create does not call save().
            case=case, name=name, search_name=search_key(name), phone=random_phone(rng, landline=rng.random() < 0.1),
            phone_alt=random_phone(rng, landline=rng.random() < 0.7) if rng.random() < 0.15 else "",
            email=f"{search_key(name).replace(' ', '.')}@example.nl" if rng.random() < 0.5 else "",
            relation=Relation.MOTHER if number == 0 else Relation.FATHER,
            parental_authority=rng.choice([YesNoUnknown.YES] * 4 + [YesNoUnknown.UNKNOWN, YesNoUnknown.NO]),
            voicemail_allowed=rng.random() < 0.6, created_at=opened_at,
        )
        caller._history_user, caller._history_date = case.owner, opened_at
        chunk.callers.append(caller)
    school_type = rng.choices(list(SchoolType), _SCHOOL_TYPE_WEIGHTS)[0]
    youngest, oldest = _AGES[school_type]
    first_name = rng.choice(pools.first_names)
    birth_year = timezone.localtime(opened_at).year - rng.randint(youngest, oldest)
    # Half the parents give the date of birth, the others only the year (as on the call form).
    birth_date = dt.date(birth_year, 1, 1) + dt.timedelta(days=rng.randrange(365)) if rng.random() < 0.5 else None
    child = Child(
        case=case, first_name=first_name, search_name=search_key(first_name),
        birth_date=birth_date, birth_year=birth_year, school_type=school_type,
        school_name=rng.choice(_SCHOOL_NAMES) if school_type != SchoolType.NONE else "",
        swv=rng.choice(_SWVS), municipality=rng.choice(pools.municipalities),
        support_need=rng.choice([YesNoUnknown.YES, YesNoUnknown.YES, YesNoUnknown.UNKNOWN]),
        has_opp=rng.choice(list(YesNoUnknown)), has_tlv=rng.choice(list(YesNoUnknown)),
    )
    child._history_user, child._history_date = case.owner, opened_at
    chunk.children.append(child)


def _call(rng, pools: _Pools, chunk: _Chunk, case: Case, moment, advisor, topics) -> Call:
    at_home = rng.choices([AtHome.NO, AtHome.AT_RISK, AtHome.YES], [75, 12, 13])[0]
    call = Call(
        case=case, advisor=advisor, started_at=moment, duration_minutes=rng.randint(4, 35),
        channel=rng.choices(list(Channel), [80, 10, 6, 4])[0],
        questions=_questions(rng),
        steps_taken=rng.sample(StepTaken.values, k=rng.randint(0, 3)),
        conflict=rng.choice(list(YesNoUnknown)), disagrees_with_advice=rng.random() < 0.3,
        at_home=at_home,
        at_home_since=(moment - dt.timedelta(weeks=rng.randint(1, 30))).date() if at_home != AtHome.NO else None,
        care_involved=rng.random() < 0.25, legal_procedure=rng.random() < 0.05, truancy=rng.random() < 0.05,
        notes=rng.choice(_NOTES), advice=rng.choice(_ADVICE), next_step=rng.choice(_NEXT_STEPS),
    )
    call._history_user, call._history_date = advisor, moment
    chunk.calls.append(call)
    chunk.call_topics.append((call, topics[:1] if rng.random() < 0.7 else topics))
    return call


def _questions(rng: random.Random) -> list[str]:
    """What the parent asks for: mostly one thing, now and then two; on some calls the advisor
    ticks nothing (a short call back about how it went)."""
    asked = rng.choices([0, 1, 2], _QUESTIONS_ASKED)[0]
    chosen = {rng.choices(ParentQuestion.values, _QUESTION_WEIGHTS)[0] for _ in range(asked)}
    return [code for code in ParentQuestion.values if code in chosen]  # in the form's order


@writes_keeping_history_otherwise("the demo seeder writes every history row itself")
def _insert(chunk: _Chunk) -> None:
    """Insert the chunk's rows and their history, in the order the foreign keys need."""
    Case.objects.bulk_create(chunk.cases, batch_size=CHUNK)
    case_links = _topic_links(Case, "case", chunk.case_topics)
    _topic_history(Case, "case", _case_history(chunk.cases), case_links)
    for rows in (chunk.callers, chunk.children, chunk.calls):
        for row in rows:
            row.case_id = row.case.pk
    for model, rows in ((Caller, chunk.callers), (Child, chunk.children)):
        model.objects.bulk_create(rows, batch_size=CHUNK)
        model.history.bulk_history_create(rows, batch_size=CHUNK)
    Call.objects.bulk_create(chunk.calls, batch_size=CHUNK)
    call_links = _topic_links(Call, "call", chunk.call_topics)
    _topic_history(Call, "call", Call.history.bulk_history_create(chunk.calls, batch_size=CHUNK), call_links)


def _case_history(cases: list[Case]) -> list:
    """As the services leave it: a "+" row of the case as case_open made it (new, no
    contact yet) at its opening, and a "~" row of the case as it is now, at its last
    change (the closing or the latest call), both by its owner. Returns both."""
    with demo_rows_showing(cases, lambda case: _AS_OPENED):
        opened = Case.history.bulk_history_create(cases, batch_size=CHUNK)
    for case in cases:
        case._history_date = case.closed_at or case.last_contact_at
    return opened + Case.history.bulk_history_create(cases, batch_size=CHUNK, update=True)


_AS_OPENED = {"status": CaseStatus.NEW, "closed_at": None, "close_reason": "", "last_contact_at": None,
              "at_home": AtHome.NO, "at_home_since": None}


def _topic_links(model, owner_field: str, pairs: list) -> dict[int, list]:
    """Insert the topic links of (row, topics) pairs; returns the links per row id."""
    through = model.topics.through
    links = [
        through(**{f"{owner_field}_id": row.pk, "topic_id": topic.pk}) for row, topics in pairs for topic in topics
    ]
    through.objects.bulk_create(links, batch_size=CHUNK)
    by_row: dict[int, list] = {}
    for link in links:
        by_row.setdefault(getattr(link, f"{owner_field}_id"), []).append(link)
    return by_row


def _topic_history(model, owner_field: str, history_rows: list, links: dict[int, list]) -> None:
    """The topics of every historical row, as simple_history copies them on each save."""
    history = model.history.model
    historical_through = history._meta.get_field(f"historical{model.__name__.lower()}_topics").related_model
    historical_through.objects.bulk_create(
        [
            historical_through(
                id=link.pk, history_id=row.history_id, topic_id=link.topic_id,
                **{f"{owner_field}_id": row.id},
            )
            for row in history_rows
            for link in links.get(row.id, ())
        ],
        batch_size=CHUNK,
    )
