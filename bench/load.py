"""The load of `make bench`: simulated advisors at work, in a process of its own.

    python bench/load.py CONFIG.json  ->  a JSON summary on stdout

Standard library only (threads and http.client). Each advisor is a thread with
its own signed-in session (made by bench/loadtest.py) and does what an advisor
does on a call, with a random think time between requests:

1. opens the call screen (GET /gesprek/: the CSRF token, form token and draft grant),
2. searches the parent's phone number as typed, as the call screen asks while typing (htmx),
3. opens the case it found (a seeded case: read only),
4. has the form autosaved once as a draft (POST /concept/),
5. logs the call: mostly a new parent, whose case the call screen opens (POST /gesprek/,
   confirming "a different child" when the duplicate check asks, as an advisor would),
   otherwise a parent calling back about a case this advisor opened earlier in the run
   (GET and POST /zaken/<reference>/gesprek/); then the case page the form leads to.

Writes only touch the cases the load test opens itself (bench/loadtest.py
removes them afterwards), so the seeded cases the other benchmarks read stay
as they are. An error is an answer other than the expected one (a POST must
redirect to its case), a search that misses its case, or a failed connection.
The run stops starting requests after `seconds`.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import random
import re
import sys
import threading
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlparse
from zoneinfo import ZoneInfo

_HIDDEN = {
    name: re.compile(rf'name="{name}" value="([^"]*)"') for name in ("csrfmiddlewaretoken", "form_token", "draft_grant")
}
_CASE_PATH = re.compile(r"^/zaken/([A-Z]{1,5}-\d{4}-\d{4,})/$")
_FIRST_NAMES = ["Fatima", "Sanne", "Mohamed", "Lotte", "Daan", "Noor", "Priya", "Kevin", "Ilse", "Yusuf"]
_FAMILY_NAMES = ["Bakker", "el Amrani", "de Boer", "Visser", "Yilmaz", "Mulder", "de Jong", "Bos", "Smit", "Peters"]
_CHILDREN = ["Yara", "Finn", "Sem", "Julia", "Adam", "Lina", "Luuk", "Sara", "Milan", "Zoë"]
_NOTES = [
    "School biedt geen extra ondersteuning meer.",
    "Kind zit sinds de vakantie thuis.",
    "Ouder wil weten wat het samenwerkingsverband kan doen.",
]


class _Stop(Exception):
    """The run's time is up: the advisor stops where it is."""


class Advisor(threading.Thread):
    def __init__(self, number: int, cookie: str, config: dict, deadline: float):
        super().__init__(name=f"advisor-{number}", daemon=True)
        self.number = number
        self.config = config
        self.deadline = deadline
        self.rng = random.Random(config["seed"] * 1000 + number)
        self.zone = ZoneInfo(config["time_zone"])
        name, _, value = cookie.partition("=")
        self.cookies = {name: value}
        self.connection = http.client.HTTPConnection(config["host"], config["port"], timeout=config["timeout"])
        self.origin = f"http://{config['host']}:{config['port']}"
        self.timings: list[tuple[str, float]] = []  # (kind, ms)
        self.errors: list[dict] = []
        self.calls_logged = 0
        self.cases_opened = 0
        self.duplicate_warnings = 0
        self.own_cases: list[str] = []
        self.phone_counter = 0

    # --- HTTP --------------------------------------------------------------------------------

    def _request(self, kind: str, method: str, path: str, *, fields=None, htmx=False, expect=(200,)):
        if time.monotonic() >= self.deadline:
            raise _Stop
        headers = {
            "Host": f"{self.config['host']}:{self.config['port']}",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        body = None
        if htmx:
            headers["HX-Request"] = "true"
        if method == "POST":
            body = urlencode(fields, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            text = response.read().decode("utf-8", errors="replace")
        except (OSError, http.client.HTTPException) as error:
            self.connection.close()
            self._error(kind, method, path, f"{type(error).__name__}: {error}")
            return None, "", ""
        self.timings.append((kind, (time.perf_counter() - started) * 1000))
        for header in response.msg.get_all("Set-Cookie") or []:
            for morsel in SimpleCookie(header).values():
                self.cookies[morsel.key] = morsel.value
        location = urlparse(response.getheader("Location", "")).path
        if response.status not in expect:
            page = _form_errors(text) if method == "POST" and response.status == 200 else text[:300]
            self._error(kind, method, path, f"HTTP {response.status} {location}".strip(), page)
        return response.status, text, location

    def _error(self, kind: str, method: str, path: str, what: str, page: str = "") -> None:
        # A path holds a reference or a phone number of made-up data; kept for debugging the bench.
        self.errors.append({"kind": kind, "request": f"{method} {path}", "what": what, "page": page[:300]})

    def _think(self) -> None:
        pause = self.rng.uniform(0, 2 * self.config["think_seconds"])
        if time.monotonic() + pause >= self.deadline:
            raise _Stop
        time.sleep(pause)

    # --- The work ----------------------------------------------------------------------------

    def run(self) -> None:
        # Advisors start a little apart, as people do.
        time.sleep(self.rng.uniform(0, min(2.0, self.config["think_seconds"] * 2)))
        try:
            while True:
                self._one_call()
        except _Stop:
            pass
        finally:
            self.connection.close()

    def _one_call(self) -> None:
        status, page, _ = self._request("call screen", "GET", "/gesprek/")
        hidden = _hidden(page) if status == 200 else None
        self._think()
        parent = self.rng.choice(self.config["seeded"])
        status, results, _ = self._request("search (htmx)", "GET", f"/zoeken/?{urlencode({'q': parent['phone']})}",
                                           htmx=True)  # fmt: skip
        if status == 200 and parent["reference"] not in results:
            self._error("search (htmx)", "GET", "/zoeken/", f"did not find {parent['reference']}")
        self._think()
        self._request("case page", "GET", f"/zaken/{parent['reference']}/")
        self._think()
        if hidden is None:
            return
        if self.own_cases and self.rng.random() < self.config["repeat_share"]:
            self._call_on_own_case()
        else:
            self._new_case(hidden)

    def _new_case(self, hidden: dict) -> None:
        form = {**hidden, **self._new_call_fields()}
        draft = {key: value for key, value in form.items() if key.startswith(("beller-", "kind-"))}
        self._request("draft save", "POST", "/concept/", fields={**hidden, **draft}, expect=(200, 204))
        self._think()
        status, page, location = self._request("open case (POST)", "POST", "/gesprek/", fields=form,
                                                expect=(200, 302))  # fmt: skip
        if status == 200:
            if 'name="zaak-confirm_duplicate"' not in page:
                self._error("open case (POST)", "POST", "/gesprek/", "form refused", _form_errors(page))
                return
            # "There is already an open case for this phone number or child": a different child.
            self.duplicate_warnings += 1
            self._think()
            confirmed = {**form, "zaak-confirm_duplicate": "on"}
            status, page, location = self._request("open case (POST)", "POST", "/gesprek/", fields=confirmed,
                                                    expect=(302,))  # fmt: skip
        if status == 302 and _CASE_PATH.match(location):
            self.calls_logged += 1
            self.cases_opened += 1
            self.own_cases.append(_CASE_PATH.match(location)[1])
            self._request("case page", "GET", location)
        elif status == 302:
            self._error("open case (POST)", "POST", "/gesprek/", f"redirected to {location}")

    def _call_on_own_case(self) -> None:
        reference = self.rng.choice(self.own_cases)
        path = f"/zaken/{reference}/gesprek/"
        status, page, _ = self._request("call form", "GET", path)
        if status != 200:
            return
        hidden = _hidden(page)
        self._think()
        fields = {key: value for key, value in self._new_call_fields().items() if key.startswith("gesprek-")}
        status, page, location = self._request("log call (POST)", "POST", path, fields={**hidden, **fields},
                                                expect=(302,))  # fmt: skip
        if status == 302 and location == f"/zaken/{reference}/":
            self.calls_logged += 1
            self._request("case page", "GET", location)
        elif status == 302:
            self._error("log call (POST)", "POST", path, f"redirected to {location}")

    def _phone(self) -> str:
        """A mobile number typed as a parent dictates it, new in this run."""
        self.phone_counter += 1
        run = self.config["seed"] % 50
        return f"06-5{run:02d}{self.number:02d}{self.phone_counter % 1000:03d}"

    def _new_call_fields(self) -> dict:
        rng, choices = self.rng, self.config["choices"]
        now = dt.datetime.now(self.zone)
        at_home = rng.choices(["no", "at_risk", "yes"], [75, 12, 13])[0]
        child_year = now.year - rng.randint(5, 17)
        fields = {
            "beller-name": f"{rng.choice(_FIRST_NAMES)} {rng.choice(_FAMILY_NAMES)}",
            "beller-phone": self._phone(),
            "beller-relation": rng.choice(["mother", "father"]),
            "beller-parental_authority": "yes",
            "kind-first_name": rng.choice(_CHILDREN),
            "kind-birth_year": str(child_year),
            "kind-school_type": rng.choice(choices["school_type"]),
            "kind-support_need": "unknown",
            "kind-has_opp": "unknown",
            "kind-has_tlv": "unknown",
            "gesprek-steps_taken": rng.sample(choices["steps_taken"], k=rng.randint(0, 2)),
            "gesprek-conflict": rng.choice(["yes", "no", "unknown"]),
            "gesprek-at_home": at_home,
            "gesprek-channel": "phone_in",
            "gesprek-started_at": (now - dt.timedelta(minutes=rng.randint(5, 30))).strftime("%Y-%m-%dT%H:%M"),
            "gesprek-duration_minutes": str(rng.randint(4, 35)),
            "gesprek-topics": rng.sample(choices["topics"], k=min(len(choices["topics"]), rng.randint(1, 2))),
            "gesprek-notes": rng.choice(_NOTES),
            "gesprek-advice": "Vraag een gesprek aan met de intern begeleider.",
            "gesprek-next_step": "Ouder belt terug na het gesprek.",
            "zaak-summary": "Vraag over passend onderwijs",
        }
        if at_home != "no":
            fields["gesprek-at_home_since"] = (now.date() - dt.timedelta(weeks=rng.randint(1, 20))).isoformat()
        return fields


def _hidden(page: str) -> dict | None:
    found = {name: pattern.search(page) for name, pattern in _HIDDEN.items()}
    if not all(found.values()):
        return None
    return {name: match[1] for name, match in found.items()}


def _form_errors(page: str) -> str:
    """The form's error messages, to say why a POST was refused."""
    messages = re.findall(r'class="invalid-feedback"[^>]*>\s*<strong>([^<]*)', page)
    return "; ".join(messages)[:300] or page[:300]


def main() -> None:
    config = json.loads(open(sys.argv[1]).read())
    started = time.monotonic()
    deadline = started + config["seconds"]
    advisors = [Advisor(number, cookie, config, deadline) for number, cookie in enumerate(config["cookies"], 1)]
    for advisor in advisors:
        advisor.start()
    for advisor in advisors:
        advisor.join(timeout=config["seconds"] + config["timeout"] + 30)
    elapsed = time.monotonic() - started
    timings: dict[str, list[float]] = {}
    for advisor in advisors:
        for kind, ms in advisor.timings:
            timings.setdefault(kind, []).append(round(ms, 2))
    errors = [error for advisor in advisors for error in advisor.errors]
    summary = {
        "advisors": len(advisors),
        "seconds": elapsed,
        "timings": timings,
        "errors": len(errors),
        "error_samples": errors[:10],
        "error_kinds": _count(error["kind"] + ": " + error["what"][:60] for error in errors),
        "calls_logged": sum(advisor.calls_logged for advisor in advisors),
        "cases_opened": sum(advisor.cases_opened for advisor in advisors),
        "duplicate_warnings": sum(advisor.duplicate_warnings for advisor in advisors),
        "still_running": sum(advisor.is_alive() for advisor in advisors),
    }
    json.dump(summary, sys.stdout)


def _count(items) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in items:
        counts[item] = counts.get(item, 0) + 1
    return counts


if __name__ == "__main__":
    main()
