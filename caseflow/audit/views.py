"""Team lead pages for audit and privacy: a case's history, the access log, retention
(what goes next week, holds), erasure on request, and the subject access export."""

from __future__ import annotations

import json
from datetime import timedelta

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from caseflow.accounts.access import LEAD_TEAM, case_for, require_permission
from caseflow.audit import personal_data, retention
from caseflow.audit.access_log import access_record, access_record_cases, access_rows_write, access_words, case_viewers
from caseflow.audit.models import AccessAction, AccessLog, RetentionRun
from caseflow.audit.retention import (
    case_hold,
    case_release,
    cases_due_for_anonymising,
    cases_held,
    retention_cutoff,
)
from caseflow.audit.timeline import case_timeline, subject_access_readable
from caseflow.cases.forms import case_workers
from caseflow.cases.models import Case
from caseflow.lib.request_input import posted_text

# --- History and access log ------------------------------------------------------------------


@require_GET
def case_history(request: HttpRequest, reference: str) -> HttpResponse:
    require_permission(request, LEAD_TEAM)
    case = case_for(request, reference)
    access_record(request, AccessAction.VIEW, case=case, what="history")
    access_rows_write(request)  # now, so that "who looked" below includes this look
    context = {"case": case, "changes": case_timeline(case), "viewers": case_viewers(case, limit=50)}
    return render(request, "caseflow/audit/history.html", context)


class AccessLogFilter(django_filters.FilterSet):
    user = django_filters.ModelChoiceFilter(label=gettext_lazy("User"), queryset=case_workers())
    since = django_filters.DateFilter(
        label=gettext_lazy("From"), field_name="at", lookup_expr="date__gte", widget=forms.DateInput({"type": "date"})
    )
    until = django_filters.DateFilter(
        label=gettext_lazy("Until"), field_name="at", lookup_expr="date__lte", widget=forms.DateInput({"type": "date"})
    )
    action = django_filters.ChoiceFilter(label=gettext_lazy("Action"), choices=AccessAction.choices)


ACCESS_LOG_PAGE = 100


@require_GET
def access_log(request: HttpRequest) -> HttpResponse:
    require_permission(request, LEAD_TEAM)
    entries = AccessLogFilter(request.GET, queryset=AccessLog.objects.select_related("user", "case"))
    page = Paginator(entries.qs.order_by("-at", "-id"), ACCESS_LOG_PAGE).get_page(request.GET.get("pagina"))
    query = request.GET.copy()
    query.pop("pagina", None)
    rows = [(entry, access_words(entry.action, entry.what)) for entry in page.object_list]
    context = {"filter": entries, "page": page, "rows": rows, "query": query.urlencode()}
    return render(request, "caseflow/audit/access_log.html", context)


# --- Retention ---------------------------------------------------------------------------------

RETENTION_LOOKAHEAD = timedelta(days=7)


@require_GET
def retention_queue(request: HttpRequest) -> HttpResponse:
    """What the nightly task will anonymise in the coming week, what is held, and the runs."""
    require_permission(request, LEAD_TEAM)
    upcoming = cases_due_for_anonymising(before=retention_cutoff(timezone.now() + RETENTION_LOOKAHEAD))
    context = {
        "upcoming": list(upcoming.select_related("owner")[:500]),
        "held": list(
            cases_held().select_related("owner").order_by("closed_at")[:500]
        ),
        "runs": list(RetentionRun.objects.select_related("by", "case")[:20]),
    }
    access_record_cases(request, AccessAction.VIEW, [case.pk for case in context["upcoming"] + context["held"]])
    return render(request, "caseflow/audit/retention.html", context)


@require_POST
def retention_hold(request: HttpRequest, reference: str) -> HttpResponse:
    require_permission(request, LEAD_TEAM)
    case = case_for(request, reference)
    try:
        reason = posted_text(request, "reason", max_length=Case._meta.get_field("retention_hold_reason").max_length)
        case_hold(case=case, by=request.user, reason=reason)
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.success(request, _("%(reference)s is kept past its retention period.") % {"reference": case})
    return redirect("retention_queue")


@require_POST
def retention_release(request: HttpRequest, reference: str) -> HttpResponse:
    require_permission(request, LEAD_TEAM)
    case = case_for(request, reference)
    case_release(case=case, by=request.user)
    messages.success(request, _("The hold on %(reference)s has been lifted.") % {"reference": case})
    return redirect("retention_queue")


class ErasureForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("The request (when, from whom; no names needed)"),
        max_length=300,
        error_messages={"required": gettext_lazy("Write down why the case is erased (the request).")},
    )


@require_http_methods(["GET", "POST"])
def case_erase(request: HttpRequest, reference: str) -> HttpResponse:
    """Erasure on request (GDPR art. 17), now: the same anonymisation as retention."""
    require_permission(request, LEAD_TEAM)
    case = case_for(request, reference)
    form = ErasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            retention.case_erase(case=case, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(request, _("The personal data of %(reference)s has been erased.") % {"reference": case})
            return redirect(case)
    return render(request, "caseflow/audit/erase.html", {"case": case, "form": form})


# --- Subject access ---------------------------------------------------------------------------


@require_GET
def subject_access(request: HttpRequest, reference: str) -> HttpResponse:
    """Everything held about the case's caller(s) and child: a readable page, or JSON (?formaat=json)."""
    require_permission(request, LEAD_TEAM)
    case = case_for(request, reference)
    as_json = request.GET.get("formaat") == "json"
    access_record(request, AccessAction.EXPORT, case=case, what="subject-access" + (".json" if as_json else ""))
    access_rows_write(request)  # now, so that the export lists itself
    if as_json:  # for machines: codes and ids, as stored
        content = json.dumps(personal_data.subject_access(case), ensure_ascii=False, indent=2, cls=DjangoJSONEncoder)
        response = HttpResponse(content, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{case.reference}-inzage.json"'
        return response
    # For people, on screen or printed: labels and names, as the case's history shows them.
    export = subject_access_readable(case)
    return render(request, "caseflow/audit/subject_access.html", {"case": case, "export": export})
