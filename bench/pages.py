"""The pages `make bench` times one request at a time, and their Django admin baselines.

Advisor pages: search (phone as typed, part of a family name, reference) and
*Mijn zaken*, as the advisor who owns the most cases. Team lead pages: the
dashboard and the case queue with several filters and sort orders. Each of our
pages names the admin changelist request that shows a team the same cases (as
far as the admin can express it); that is its baseline.
"""

from __future__ import annotations

import http.client
import random
import statistics
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

ADVISOR, TEAM_LEAD = "advisor", "team lead"
ADMIN = "/admin/caseflow/case/"
ADMIN_INBOX = "/admin/intake/inboxmessage/"
# The inbox lists 25 messages, each with the cases it may belong to and a form: issue 21 asks
# p95 <= 200 ms of it, where the advisor's searches (typed into the call screen) have 100.
INBOX_GOAL_P95_MS = 200.0
GOAL_P95_MS = {ADVISOR: 100.0, TEAM_LEAD: 200.0}
# The team lead's pages must also be this many times faster (p95) than the admin.
TEAM_GOAL_RATIO = 2.0


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    params: list[dict]  # the query strings to cycle through ([{}] for a page without any)
    persona: str = ADVISOR
    group: str = ADVISOR  # whose table the page is in (an admin baseline: whose page it stands beside)
    baseline: str = ""  # for our page: the name of the admin page measured beside it
    # The reference each request must find: a fast page that finds nothing would be no result.
    expect: list[str] = field(default_factory=list)
    htmx: bool = False  # asked for as the call screen does while the advisor types
    goal_ms: float | None = None  # the page's own p95 goal, where it is not its table's

    @property
    def is_admin(self) -> bool:
        return self.path.startswith("/admin/")

    @property
    def goal_p95_ms(self) -> float:
        return self.goal_ms or GOAL_P95_MS[self.group]

    def url(self, index: int) -> str:
        params = self.params[index % len(self.params)]
        return f"{self.path}?{urlencode(params)}" if params else self.path


def all_pages(advisor, team_lead) -> list[Page]:
    return advisor_pages() + team_pages(advisor)


def advisor_pages() -> list[Page]:
    from intake.models import Caller

    rng = random.Random(7)
    callers = list(Caller.objects.order_by("?").values_list("phone", "name", "case__reference")[:200])
    phones = [{"q": typed_nationally(phone)} for phone, _, _ in callers]
    fragments = [{"q": _fragment(rng, name)} for _, name, _ in callers]
    cases = [reference for _, _, reference in callers]
    references = [{"q": reference.lower().replace("-", " ")} for reference in cases]
    return [
        Page("search by phone", "/zoeken/", phones, baseline="admin search by phone", expect=cases, htmx=True),
        Page("search by name fragment", "/zoeken/", fragments, baseline="admin search by name fragment", htmx=True),
        Page("search by reference", "/zoeken/", references, baseline="admin search by reference", expect=cases,
             htmx=True),
        Page("my cases", "/zaken/mijn/", [{}], baseline="admin changelist"),
        # The messages still waiting, oldest first; the admin lists the same, by the moment they came in.
        Page("inbox", "/inbox/", [{}], baseline="admin inbox: waiting", goal_ms=INBOX_GOAL_P95_MS),
        # The admin cannot normalise what was typed: it gets the stored phone number and
        # reference, its best case (it would find nothing for 06-12345678).
        Page("admin search by phone", ADMIN, [{"q": p} for p, _, _ in callers], TEAM_LEAD, expect=cases),
        Page("admin search by name fragment", ADMIN, fragments, TEAM_LEAD),
        Page("admin search by reference", ADMIN, [{"q": r} for r in cases], TEAM_LEAD, expect=cases),
        Page("admin changelist", ADMIN, [{}], TEAM_LEAD),
        Page("admin inbox: waiting", ADMIN_INBOX, [{"status__in": "new,picked_up", "o": "1"}], TEAM_LEAD),
    ]  # fmt: skip


def team_pages(advisor) -> list[Page]:
    """The dashboard and the queue as a team lead uses them, each beside the admin changelist
    filtered and sorted the closest way the admin can (o=-5: last contact, newest first)."""
    from django.utils import timezone

    from caseflow.cases.models import OPEN_STATUSES
    from caseflow.team.dashboard import days_back, stale_since

    now = timezone.now()
    open_ = {"status__in": ",".join(OPEN_STATUSES)}
    stale = stale_since(now).isoformat()
    older = days_back(now, 91).isoformat()
    queue = "/teamleider/zaken/"
    team = {"persona": TEAM_LEAD, "group": TEAM_LEAD}
    return [
        Page("dashboard", "/teamleider/", [{}], baseline="admin: changelist", **team),
        Page("queue: open, newest contact", queue, [{}], baseline="admin: open, newest contact", **team),
        Page("queue: one advisor's cases", queue, [{"owner": advisor.pk}], baseline="admin: one owner's open",
             **team),
        Page("queue: no recent contact", queue, [{"stale": "on", "sort": "contact"}],
             baseline="admin: open, contact < 14 d ago", **team),
        Page("queue: open > 3 months", queue, [{"age": "older", "sort": "opened"}],
             baseline="admin: open, opened > 91 d ago", **team),
        Page("queue: at home, longest", queue, [{"at_home": "yes", "sort": "at_home_since"}],
             baseline="admin: open, at home", **team),
        Page("queue: all cases, page 2", queue, [{"status": "all", "pagina": "2"}], baseline="admin: page 2",
             **team),
        Page("admin: changelist", ADMIN, [{}], **team),
        Page("admin: open, newest contact", ADMIN, [{**open_, "o": "-5"}], **team),
        Page("admin: one owner's open", ADMIN, [{**open_, "owner__id__exact": advisor.pk, "o": "-5"}], **team),
        Page("admin: open, contact < 14 d ago", ADMIN, [{**open_, "last_contact_at__lt": stale, "o": "5"}], **team),
        Page("admin: open, opened > 91 d ago", ADMIN, [{**open_, "opened_at__lt": older, "o": "4"}], **team),
        Page("admin: open, at home", ADMIN, [{**open_, "at_home__exact": "yes", "o": "4"}], **team),
        Page("admin: page 2", ADMIN, [{"p": "2"}], **team),
    ]  # fmt: skip


def typed_nationally(e164: str) -> str:
    """+31612345678 -> 06-12345678, +31201234567 -> 020-1234567: as a parent dictates it."""
    import phonenumbers

    national = phonenumbers.format_number(phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.NATIONAL)
    area, _, subscriber = national.partition(" ")
    return f"{area}-{subscriber.replace(' ', '')}"


def _fragment(rng: random.Random, name: str) -> str:
    """3 to 5 letters from inside the family name, as an advisor half-remembers it."""
    family = name.split()[-1]
    length = min(len(family), rng.randint(3, 5))
    start = rng.randint(0, len(family) - length)
    return family[start : start + length]


def _headers(page: Page) -> dict[str, str]:
    return {"HX-Request": "true"} if page.htmx else {}


# --- In-process: queries per page, and that each page shows what it should ------------------------


@dataclass
class Checked:
    queries: dict[str, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    # How many cases each page (queue and admin) says it lists: the baseline must list the same.
    counts: dict[str, int | None] = field(default_factory=dict)


def check_in_process(pages: list[Page], users: dict) -> Checked:
    """Queries of one request per page after a warm-up (Django's test client); a non-200
    answer, or a search that misses the case its query was taken from, is an error."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.accounts import verified_client

    checked = Checked()
    clients = {persona: verified_client(user) for persona, user in users.items()}
    for page in pages:
        client = clients[page.persona]
        client.get(page.url(0), headers=_headers(page))  # warm: also loads permissions
        with CaptureQueriesContext(connection) as captured:
            response = client.get(page.url(0), headers=_headers(page))
        checked.queries[page.name] = len(captured)
        found = not page.expect or page.expect[0] in response.content.decode()
        checked.errors[page.name] = int(response.status_code != 200 or not found)
        checked.counts[page.name] = _listed(response)
        if response.status_code != 200:
            print(f"  {page.name}: {page.url(0)} answered {response.status_code}", flush=True)
        if not found:
            print(f"  {page.name}: {page.params[0]} did not find {page.expect[0]}", flush=True)
    return checked


def dashboard_figures(runs: int = 5) -> list[tuple[str, int | None, float]]:
    """The figures other apps add to the team lead's dashboard (referrals waiting, consents
    expiring, the inbox): each one's count at this volume and the median ms of its query in-process,
    and the case figures' one query as the dashboard asks it, so that the report shows what they add
    to the dashboard's time."""
    from django.utils import translation

    from caseflow.cases.models import Case
    from caseflow.team.dashboard import case_figure_counts
    from caseflow.team.figures import case_figures, work_figures

    def case_count(figure):
        return lambda: Case.objects.open().filter(figure.condition()).count()

    counts = [(figure.label, case_count(figure)) for figure in case_figures()]
    def case_figures_together() -> None:  # their counts are those above
        case_figure_counts(Case.objects.open())

    counts.append(("the case figures above, in the dashboard's query", case_figures_together))
    counts += [(figure.label, figure.count) for figure in work_figures()]
    measured = []
    with translation.override("en"):
        for label, count in counts:
            durations = []
            for _ in range(runs):
                started = time.perf_counter()
                value = count()
                durations.append((time.perf_counter() - started) * 1000)
            measured.append((str(label), value, statistics.median(durations)))
    return measured


def _listed(response) -> int | None:
    """The number of cases a queue or changelist says it lists (test client context)."""
    context = response.context
    if context is None:
        return None
    try:
        return context["cl"].result_count
    except KeyError:
        pass
    try:
        return context["page"].paginator.count
    except (KeyError, AttributeError):
        return None


# --- Over HTTP: the timings -------------------------------------------------------------------------


# Every page is measured in ROUNDS turns spread over the whole measurement, each turn a share of
# its requests: a machine that slows down for a few seconds or for minutes (other work on a
# shared host, caches, the clock) then weighs on a page and on its admin baseline alike, instead
# of on whichever ran at that moment.
ROUNDS = 20
ADMIN_BUDGET_SECONDS = 20.0


def admin_minimum(requests: int) -> int:
    return max(requests // 10, 10)


def measure(port: int, pages: list[Page], cookies: dict[str, str], requests: int, errors: dict[str, int]):
    """Timings (ms) per page over HTTP, one request at a time, in ROUNDS turns of every page;
    non-200 answers are added to `errors`."""
    timings: dict[str, list[float]] = {page.name: [] for page in pages}
    for turn in range(ROUNDS):
        for page in pages:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            headers = {"Cookie": cookies[page.persona], "Host": f"127.0.0.1:{port}", **_headers(page)}
            # The admin's searches take half a second each at volume: a baseline page gets as many
            # requests as ours within ADMIN_BUDGET_SECONDS, and at least a tenth of them.
            budget = (ADMIN_BUDGET_SECONDS / ROUNDS, _share(admin_minimum(requests), turn)) if page.is_admin else None
            first = len(timings[page.name])  # each turn asks for the next of the page's query strings
            warm = turn == 0
            durations, failed = _timed(connection, page, headers, first, _share(requests, turn), budget, warm=warm)
            timings[page.name] += durations
            errors[page.name] = errors.get(page.name, 0) + failed
            connection.close()
        if (turn + 1) % 5 == 0:
            print(f"  round {turn + 1} of {ROUNDS} measured", flush=True)
    for page in pages:
        print(f"  {page.name}: p95 {percentile(timings[page.name], 0.95):.0f} ms", flush=True)
    return timings


def _share(requests: int, turn: int) -> int:
    """This turn's part of `requests`, so that the ROUNDS turns add up to it."""
    return requests * (turn + 1) // ROUNDS - requests * turn // ROUNDS


def _timed(connection, page: Page, headers: dict, first: int, count: int, budget: tuple[float, int] | None, *,
           warm: bool):  # fmt: skip
    """Durations (ms) and errors of `count` requests from the page's `first` query string on,
    after a warm-up if `warm`; with a budget (seconds, at least this many requests), stop once
    the seconds are spent and the minimum is reached."""
    warm_up = 3 if warm else 0  # connections, caches, every gunicorn worker: once per page
    for index in range(warm_up):
        _get(connection, page.url(first + index), headers)
    durations, errors = [], 0
    began = time.perf_counter()
    for index in range(count):
        if budget and time.perf_counter() - began > budget[0] and index >= budget[1]:
            break
        started = time.perf_counter()
        status = _get(connection, page.url(first + index + warm_up), headers)
        durations.append((time.perf_counter() - started) * 1000)
        errors += status != 200
    return durations, errors


def _get(connection, path: str, headers: dict) -> int:
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.read()
    return response.status


def percentile(values: list[float], share: float) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")
