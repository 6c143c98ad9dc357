"""The referral package for an onderwijsconsulent: only the data categories the
parent consented to, as a structured document (JSON) that the printable page shows."""

from __future__ import annotations

import json
from datetime import datetime

from django.utils import timezone

from caseflow.cases.models import Case
from consent.models import DataCategory
from intake.models import Call, Caller, Child
from referrals.models import Referral

# The purpose under which a referral's package leaves (consent/data/purposes.json).
PACKAGE_PURPOSE = "share-summary-consultant"


def package_content(referral: Referral, categories: set[str], *, made_at: datetime | None = None) -> dict:
    """The package with only these categories; made_at: when it was sent (a page shown again), else now."""
    case: Case = referral.case
    child = Child.objects.filter(case=case).first()
    content: dict = {
        "case": case.reference,
        "to": referral.loket.name,
        "made_at": timezone.localtime(made_at).isoformat(timespec="minutes"),
        "categories": sorted(categories),
    }
    if DataCategory.CONTACT in categories:
        content["contact"] = [
            {"name": c.name, "relation": c.get_relation_display(), "phone": c.phone_shown, "email": c.email}
            for c in Caller.objects.filter(case=case)
        ]
    if DataCategory.SCHOOL in categories and child:
        content["school"] = {
            "child": child.first_name, "age": child.age, "school_type": child.get_school_type_display(),
            "school": child.school_name, "swv": child.swv, "municipality": child.municipality,
        }
    if DataCategory.SUPPORT in categories and child:
        content["support"] = {
            "needs_extra_support": child.get_support_need_display(), "kind": child.support_kind,
            "opp": child.get_has_opp_display(), "tlv": child.get_has_tlv_display(),
            "at_home": case.get_at_home_display(), "weeks_at_home": case.weeks_at_home,
        }
    calls = list(Call.objects.filter(case=case).order_by("started_at"))
    if DataCategory.HEALTH in categories:
        content["health"] = {"care_involved": any(call.care_involved for call in calls)}
    # The summary is free text like the notes ("kind heeft autisme"): it goes only where they may.
    if DataCategory.NOTES in categories:
        content["question"] = case.summary
        content["notes"] = [
            {"date": timezone.localtime(call.started_at).date().isoformat(), "notes": call.notes, "advice": call.advice}
            for call in calls
        ]
    return content


def package_bytes(referral: Referral, categories: set[str]) -> bytes:
    return json.dumps(package_content(referral, categories), ensure_ascii=False, indent=2).encode()
