"""Every page that shows a case's personal data writes one access row for that case.

The walk opens every URL pattern of the project (tests/urlwalk.py), the management site
included, as the advisor and as the team lead, each once plain and once with a search for
the caller's phone number (not for a name: many pages repeat what was searched for).
Wherever the answer shows any of the case's personal data, the request must have written
exactly one access log row naming the case and the user. A page added later that shows a
case and forgets the log fails here.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from zoneinfo import ZoneInfo

import time_machine
from django.apps import apps
from django.urls import resolve, reverse

from caseflow.audit.models import AccessLog
from caseflow.audit.retention import case_hold
from caseflow.callbacks import office_hours
from caseflow.callbacks.services import callback_schedule
from caseflow.cases.models import Case
from caseflow.cases.services import case_request_review, case_update
from caseflow.notifications.models import Notification
from consent.models import Purpose
from consent.services import consent_give
from intake import services as intake
from intake.models import Caller
from referrals.models import Loket
from referrals.services import referral_make, referral_set_status
from tests.factories import case_with_call
from tests.signin import signed_in_client
from tests.urlwalk import all_pages

# A Wednesday morning in office hours, so that the call-back is today's.
MORNING = dt.datetime(2026, 3, 11, 9, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))

CALLER, CHILD, PHONE = "Wandelaar", "Zwerfkind", "+31612345678"
# The case's personal data, each piece in a place some page shows.
SHOWN = (CALLER, CHILD, "Samenvatting-wandel", "Notities-wandel", "Terugbel-wandel", "Vraag-wandel",
         "Bewaar-wandel", "Verwijs-wandel")  # fmt: skip


def _case_shown_everywhere(advisor, team_lead) -> tuple[Case, dict[str, str]]:
    """A case whose personal data turns up on as many pages as possible; the ids the walk's paths need."""
    case = case_with_call(advisor, caller_name=CALLER, phone=PHONE, child_name=CHILD, notes="Notities-wandel",
                          at_home="yes", at_home_since=MORNING.date() - dt.timedelta(weeks=6))  # fmt: skip
    case.refresh_from_db()
    case_update(case=case, expected_version=case.version, by=advisor, summary="Samenvatting-wandel",
                topics=[], owner=advisor)  # fmt: skip
    slot = office_hours.slots(after=MORNING, days=1)[0]
    callback = callback_schedule(case=case, by=advisor, assigned_to=advisor, due_at=slot, window_minutes=15,
                                 subject="Terugbel-wandel", phone=PHONE)  # fmt: skip
    referral = referral_make(case=case, loket=Loket.objects.get(code="regelrecht"), by=advisor, advice=None,
                             manual_reason="Juridisch")  # fmt: skip
    referral_set_status(referral=referral, by=advisor, status=referral.status, notes="Verwijs-wandel")
    caller = Caller.objects.get(case=case)
    record = consent_give(
        case=case, purpose=Purpose.objects.get(code="share-summary-consultant"), recipient_code="regelrecht",
        recipient_name="Regelrecht", categories=["contact"], child_name=CHILD, giver_id=caller.pk, giver_name=CALLER,
        giver_authority="yes", method="phone", valid_until=MORNING + dt.timedelta(days=90), by=advisor,
    )  # fmt: skip
    case_request_review(case=case, by=advisor, question="Vraag-wandel")
    case_hold(case=case, by=team_lead, reason="Bewaar-wandel")
    notification = Notification.objects.create(recipient=advisor, key="walk", kind="reminder", case=case,
                                               callback=callback)  # fmt: skip
    intake.draft_save(author=advisor, slot=intake.draft_slot_for(case), case=case, form_token=uuid.uuid4(),
                      data={"gesprek-notes": ["Notities-wandel"]})  # fmt: skip
    ids = {
        "reference": case.reference, "pk": str(callback.pk), "referral_id": str(referral.pk),
        "caller_id": str(caller.pk), "record_id": str(record.pk), "notice_id": "1",
        "notification": str(notification.pk), "key": "calls-per-week",
    }  # fmt: skip
    return case, ids


def _path(page, ids: dict[str, str], case: Case) -> str | None:
    """The walk's example path with the case's real reference and ids put in."""
    if page.name.startswith("admin"):
        # The management site's example object (id 1) becomes the case's own row of that model.
        rows = {"caseflow/case": case.pk, "consent/consentrecord": ids["record_id"],
                "referrals/referral": ids["referral_id"]}  # fmt: skip
        path = page.path.replace("/x/", "/1/")
        for model, pk in rows.items():
            path = path.replace(f"/admin/{model}/1/", f"/admin/{model}/{pk}/")
        return _any_existing_row(path)
    kwargs = resolve(page.path).kwargs
    if page.name == "notification_open":
        return reverse(page.name, kwargs={"pk": ids["notification"]})
    if not set(kwargs) <= set(ids):
        return page.path  # nothing of a case in its address: the walk's example is as good
    return reverse(page.name, kwargs={name: ids[name] for name in kwargs})


def _any_existing_row(path: str) -> str | None:
    """A management page of a model without a case (a topic, a TOTP device) shows an existing row
    of it: id 1 may be gone after other tests, and some library pages answer a missing id with a
    server error. None when the model has no row at all: that page shows nothing to walk."""
    match = re.match(r"^/admin/(\w+)/(\w+)/1/", path)
    if not match:
        return path
    row = apps.get_model(match[1], match[2]).objects.order_by("pk").first()
    return path.replace(match[0], f"/admin/{match[1]}/{match[2]}/{row.pk}/") if row else None


def _shows_the_case(response) -> bool:
    content = response.content.decode(errors="replace")
    return any(text in content for text in SHOWN)


def test_every_page_that_shows_a_case_logs_who_saw_it(advisor, team_lead):
    with time_machine.travel(MORNING, tick=True):
        case, ids = _case_shown_everywhere(advisor, team_lead)
        people = {"advisor": advisor, "team lead": team_lead}
        clients = {role: signed_in_client(user) for role, user in people.items()}
        shown, unlogged = [], []
        for page in all_pages():
            path = _path(page, ids, case)
            if path is None:
                continue
            for role, user in people.items():
                client = clients[role]
                for query in ({}, {"q": "06 1234 5678"}):
                    before = AccessLog.objects.filter(case=case, user=user).count()
                    response = client.get(path, query)
                    if response.status_code != 200:
                        break  # refused or elsewhere: with a search it would be too
                    if not _shows_the_case(response):
                        continue
                    shown.append(page.name)
                    written = AccessLog.objects.filter(case=case, user=user).count() - before
                    if written != 1:
                        unlogged.append(f"{page.name} {path} {query or ''} as {role}: {written} rows")
    # The walk reached the pages that matter (a broken fixture would make it pass vacuously).
    assert {"case_detail", "intake:child_edit", "intake:search", "admin:caseflow_case_change"} <= set(shown)
    assert unlogged == [], "\n".join(unlogged)
