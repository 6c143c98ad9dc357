"""The text of bench/last-report.txt: every figure beside its baseline from the same run."""

from __future__ import annotations

from urllib.parse import unquote

from bench.pages import (
    ADMIN_BUDGET_SECONDS,
    ADVISOR,
    GOAL_P95_MS,
    ROUNDS,
    TEAM_GOAL_RATIO,
    TEAM_LEAD,
    admin_minimum,
    median,
    percentile,
)

LOAD_KINDS = ["call screen", "search (htmx)", "case page", "draft save", "open case (POST)", "call form",
              "log call (POST)"]  # fmt: skip


def report(results, machine, *, when: str) -> str:
    volume, args = results.volume, results.args
    seeding = "reused the seeded database" if results.seeding is None else f"seeded in {results.seeding:.0f} s"
    lines = [
        f"Caseflow bench, {when}: {volume['cases']:,} cases, {volume['calls']:,} calls, "
        f"{volume['callbacks']:,} call-backs ({volume['callback_history']:,} call-back and "
        f"{volume['case_history']:,} case history rows), PostgreSQL",
        f"Also: {volume['referrals']:,} referrals, {volume['consents']:,} consents, {volume['disclosures']:,} "
        f"disclosures, {volume['inbox']:,} inbox messages ({volume['inbox_waiting']:,} waiting)",
        f"Server: gunicorn {args.web_workers} sync workers with production settings, HTTP on loopback. "
        f"Machine: {machine.cores} cores, shared (others' test suites may run meanwhile).",
        "Load average (1/5/15 min) at each step: "
        + "; ".join(f"{step} {one:.2f} {five:.2f} {fifteen:.2f}" for step, (one, five, fifteen) in machine.loads),
        f"Run: {seeding}; the bench took {results.seconds / 60:.1f} min.",
    ]
    if results.pages:
        lines += ["", *_pages(results)]
    if results.load:
        lines += ["", *_load(results.load, args)]
    if results.reminders:
        lines += ["", *_reminders(results.reminders)]
    return "\n".join(lines)


# --- A. Pages -------------------------------------------------------------------------------------


def _pages(results) -> list[str]:
    pages = {page.name: page for page in results.pages}
    checked, timings, args = results.checked, results.timings, results.args
    lines = [
        f"A. Pages over HTTP, one request at a time: {args.requests} requests per page, its Django admin "
        f"baseline as many within {ADMIN_BUDGET_SECONDS:.0f} s, at least {admin_minimum(args.requests)} "
        "(n below: the admin's searches take half a second each at volume); every page in "
        f"{ROUNDS} rounds spread over the measurement, so that the machine's ups and downs weigh on "
        "a page and its baseline alike",
    ]
    for group, title in (
        (ADVISOR, f"Advisor pages (goal: p95 <= {GOAL_P95_MS[ADVISOR]:.0f} ms"),
        (TEAM_LEAD, f"Team lead pages (goal: p95 <= {GOAL_P95_MS[TEAM_LEAD]:.0f} ms and at least "
                    f"{TEAM_GOAL_RATIO:.0f}x faster than the admin"),
    ):  # fmt: skip
        ours = [page for page in results.pages if page.group == group and not page.is_admin]
        own_goals = "".join(f"; {page.name} <= {page.goal_ms:.0f} ms" for page in ours if page.goal_ms)
        lines += [
            "",
            f"{title}{own_goals})",
            f"{'page':<30}{'p50 ms':>8}{'p95 ms':>8}{'queries':>8}{'errors':>7}{'cases':>8}  |"
            f"{'admin p50':>10}{'admin p95':>10}{'queries':>8}{'cases':>8}  |{'ratio p95':>10}  result",
        ]
        for page in ours:
            admin = pages[page.baseline]
            mine, theirs = timings[page.name], timings[admin.name]
            p95, admin_p95 = percentile(mine, 0.95), percentile(theirs, 0.95)
            ratio = admin_p95 / p95
            errors = checked.errors[page.name]
            passed = p95 <= page.goal_p95_ms and errors == 0
            if group == TEAM_LEAD:
                passed = passed and ratio >= TEAM_GOAL_RATIO
            lines.append(
                f"{page.name:<30}{median(mine):>8.1f}{p95:>8.1f}{checked.queries[page.name]:>8}{errors:>7}"
                f"{_count(checked.counts[page.name]):>8}  |{median(theirs):>10.1f}{admin_p95:>10.1f}"
                f"{checked.queries[admin.name]:>8}{_count(checked.counts[admin.name]):>8}  |{ratio:>9.1f}x  "
                f"{'PASS' if passed else 'FAIL'}"
            )
    lines += _figures(results.figures)
    lines += [
        "",
        "cases: how many cases the page says it lists (the queue) or the admin finds, or messages (the inbox); "
        "'-' for pages without.",
        "Baselines, as the team lead (the admin cannot express 'open' but as a list of statuses, nor sort by",
        "'at home since'; it pages by 100 where the queue pages by 50):",
    ]
    for page in results.pages:
        if page.is_admin:
            errors = checked.errors[page.name]
            query = unquote(page.url(0).partition("?")[2]) if page.params[0] else ""
            shown = query if "q=" not in query else "?q=<the stored value>"
            lines.append(f"  {page.name:<32}n {len(timings[page.name]):>3}  errors {errors}  {shown}")
    return lines


def _figures(figures: list[tuple[str, int | None, float]]) -> list[str]:
    """What the apps' figures add to the dashboard: their counts and each one's query, in-process."""
    if not figures:
        return []
    return [
        "",
        "Dashboard figures the apps add (count at this volume; median ms of its query in-process, part of the "
        "dashboard's time):",
        *(f"  {label:<48}{_count(count):>9}{ms:>9.1f} ms" for label, count, ms in figures),
    ]


def _count(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


# --- B. Load ---------------------------------------------------------------------------------------


def _load(runs: dict, args) -> list[str]:
    alone, together = runs["alone"], runs["together"]
    lines = [
        f"B. Load: {together['advisors']} advisors at once (each its own account and session) for "
        f"{together['seconds']:.0f} s, from bench/load.py in a second process; baseline: one advisor alone for "
        f"{alone['seconds']:.0f} s. Think time between requests 0 to {2 * args.load_think:.1f} s "
        f"(mean {args.load_think:.1f} s).",
        "Each call: call screen, search by phone (htmx), the case found, a draft autosave, then a new case "
        "(60%: POST /gesprek/, duplicate check confirmed when it asks) or a call on a case the advisor "
        "opened earlier (40%), then the case page.",
        "",
        f"{'':<34}{'1 advisor':>14}{str(together['advisors']) + ' advisors':>14}",
    ]

    def row(label: str, value) -> None:
        lines.append(f"{label:<34}{value(alone):>14}{value(together):>14}")

    def requests(run) -> int:
        return sum(len(values) for values in run["timings"].values())

    def every(run) -> list[float]:
        return [ms for values in run["timings"].values() for ms in values]

    row("requests", lambda run: f"{requests(run):,}")
    row("requests/s", lambda run: f"{requests(run) / run['seconds']:.1f}")
    row("requests/s per advisor (1)", lambda run: f"{requests(run) / run['seconds'] / run['advisors']:.2f}")
    row("calls logged", lambda run: f"{run['calls_logged']:,}")
    row("  of which opened a new case", lambda run: f"{run['cases_opened']:,}")
    row("  in the database afterwards", lambda run: f"{run['calls_in_database']:,}")
    row("calls logged per minute", lambda run: f"{run['calls_logged'] * 60 / run['seconds']:.0f}")
    row("duplicate warnings confirmed", lambda run: f"{run['duplicate_warnings']:,}")
    row("p50 ms, all requests", lambda run: f"{median(every(run)):.0f}")
    row("p95 ms, all requests", lambda run: f"{percentile(every(run), 0.95):.0f}")
    for kind in LOAD_KINDS:
        row(f"  p50 / p95 ms {kind}", lambda run, kind=kind: _p50_p95(run["timings"].get(kind, [])))
    row("errors", lambda run: f"{run['errors']:,}")
    passed = together["errors"] == 0 and alone["errors"] == 0 and together["still_running"] == 0
    lines.append(f"{'result (goal: zero errors)':<34}{'':>14}{'PASS' if passed else 'FAIL':>14}")
    lines.append(
        "(1) one advisor alone hardly waits for the server; fewer per advisor when all work at once means "
        "the server is the limit and requests queue (their wait is in the p95)."
    )
    for label, run in runs.items():
        for kind, count in run["error_kinds"].items():
            lines.append(f"  error ({label}): {count} x {kind}")
        if run["still_running"]:
            lines.append(f"  ({label}: {run['still_running']} advisors still waiting on a request at the end)")
    return lines


def _p50_p95(values: list[float]) -> str:
    return f"{median(values):.0f} / {percentile(values, 0.95):.0f}" if values else "-"


# --- C. Reminders ----------------------------------------------------------------------------------


def _reminders(result: dict) -> list[str]:
    tick, naive, count = result["tick"], result["naive"], result["count"]
    caught = result["caught_up"]
    lines = [
        f"C. Reminders: {count:,} call-backs due at the same moment, one Celery worker process (one pool "
        "process, production settings), Redis broker. Baseline: one task per call-back, sent "
        f"{count:,} times. Lateness: the moment a notification became visible (committed, polled every 50 ms) "
        "minus the moment the reminder should go out (due_at minus the lead time); a tick stamps created_at "
        "with the moment it started.",
        f"(Before: {caught['reminded']:,} reminders and {caught['escalated']:,} escalations of seeded call-backs "
        "that fell due since seeding, done in-process as the beat would have.)",
        "",
        f"{'':<34}{'callbacks_tick':>16}{'task per call-back':>20}{'ratio':>8}",
    ]

    def row(label: str, ours: float, theirs: float, fmt: str, better: str = "lower") -> None:
        """`better`: which way is better, for a ratio that reads "times better"; "" for none."""
        ratio = (theirs / ours if better == "lower" else ours / theirs) if better and ours and theirs else None
        shown = f"{ratio:>7.1f}x" if ratio is not None else ""
        lines.append(f"{label:<34}{format(ours, fmt):>16}{format(theirs, fmt):>20}{shown:>8}")

    row("wall time s (send until all)", tick["wall"], naive["wall"], ".1f")
    row("  of which sending the task(s) s", tick["send"], naive["send"], ".2f", better="")
    row("reminders per second", tick["per_second"], naive["per_second"], ".0f", better="higher")
    for label, share in (("lateness p50 s", 0.5), ("lateness p99 s", 0.99)):
        row(label, _quantile(tick["lateness"], share), _quantile(naive["lateness"], share), ".2f")
    row("lateness max s", max(tick["lateness"], default=0), max(naive["lateness"], default=0), ".2f")
    row("  stamped (created_at) p50 s", _quantile(tick["stamped"], 0.5), _quantile(naive["stamped"], 0.5), ".2f",
        better="")  # fmt: skip
    for label, key in (("notifications", "notified"), ("marked reminded", "reminded"), ("history rows", "history")):
        row(label, tick[key], naive[key], ",d", better="")
    passed = all(run["notified"] == run["reminded"] == count for run in (tick, naive))
    lines.append(f"{'every call-back reminded once':<34}{'yes' if passed else 'NO':>16}")
    return lines


def _quantile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(share * len(values)))]
