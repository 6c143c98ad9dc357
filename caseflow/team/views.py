"""The team lead's pages: dashboard, case queue with reassignment, reviews, figures over time.

Team leads only (permission caseflow.lead_team), except asking for a review,
which is what an advisor does from the case page.
"""

from __future__ import annotations

import csv
from datetime import datetime, timedelta

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from caseflow.accounts.access import CHANGE_CASE, LEAD_TEAM, case_for, require_permission
from caseflow.accounts.models import User
from caseflow.audit.access_log import access_record_cases
from caseflow.audit.models import AccessAction, AccessLog
from caseflow.cases.forms import ModelIdsField, case_workers
from caseflow.cases.models import Case
from caseflow.cases.services import case_mark_reviewed, case_request_review, cases_reassign
from caseflow.lib.request_input import posted_text
from caseflow.team.charts import bar_chart
from caseflow.team.dashboard import CALLBACK_LISTS, callbacks_listed, dashboard_figures
from caseflow.team.figures import all_series, export_what, series_by_key
from caseflow.team.filters import NOBODY, FormSelect, QueueFilter, owner_choices
from caseflow.team.html import at_home_item, load_row, queue_rows

QUEUE_PAGE_SIZE = 50


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    require_permission(request, LEAD_TEAM)
    figures = dashboard_figures()
    queue = reverse("team_queue")
    rows = {  # written in Python: caseflow/team/html.py says why
        "at_home_rows": [at_home_item(case) for case in figures["at_home_longest"]],
        "load_rows": [load_row(load, queue) for load in figures["loads"]],
    }
    return render(request, "caseflow/team/dashboard.html", {**figures, **rows})


@require_GET
def callback_list(request: HttpRequest) -> HttpResponse:
    """The open call-backs behind one of the dashboard's call-back figures (?lijst=te-laat,
    geescaleerd or vandaag, the default), everyone's and the team queue's: exactly the ones it counts."""
    require_permission(request, LEAD_TEAM)
    chosen = CALLBACK_LISTS.get(request.GET.get("lijst", "vandaag"))
    if chosen is None:
        raise Http404
    context = {
        "chosen": chosen,
        "lists": CALLBACK_LISTS.values(),
        "callbacks": list(callbacks_listed(chosen, timezone.now())),
        "max_attempts": settings.CALLBACK_MAX_ATTEMPTS,
    }
    access_record_cases(request, AccessAction.VIEW, [callback.case_id for callback in context["callbacks"]])
    return render(request, "caseflow/team/callbacks.html", context)


# --- The queue and reassigning ----------------------------------------------------------------


class ReassignForm(forms.Form):
    cases = ModelIdsField(
        queryset=Case.objects.all(), error_messages={"required": gettext_lazy("Tick the cases to reassign.")}
    )
    owner = forms.ChoiceField(label=gettext_lazy("New owner"), widget=FormSelect)

    def __init__(self, *args, owners: list[User], **kwargs):
        super().__init__(*args, **kwargs)
        self.owners = {str(user.pk): user for user in owners}
        self.fields["owner"].choices = [("", "—"), *owner_choices(owners)]
        self.fields["owner"].error_messages["required"] = _("Choose who takes the cases over.")

    def clean_owner(self):
        value = self.cleaned_data["owner"]
        return None if value == NOBODY else self.owners[value]


class CountedPaginator(Paginator):
    """A paginator given its count, instead of asking the database (QueueFilter.count)."""

    def __init__(self, object_list, per_page: int, *, count: int):
        super().__init__(object_list, per_page)
        self.count = count  # in place of Paginator's cached count


@require_http_methods(["GET", "POST"])
def queue(request: HttpRequest) -> HttpResponse:
    require_permission(request, LEAD_TEAM)
    owners = list(case_workers())  # one list for both forms' owner choices
    # Prefixed: the filter form on the same page has an `owner` field too.
    reassign = ReassignForm(request.POST or None, prefix="overdragen", owners=owners)
    if request.method == "POST":
        require_permission(request, CHANGE_CASE)
        if reassign.is_valid():
            owner = reassign.cleaned_data["owner"]
            moved = cases_reassign(
                case_ids=[case.pk for case in reassign.cleaned_data["cases"]], by=request.user, owner=owner
            )
            messages.success(
                request,
                ngettext("%(n)s case is now with %(owner)s.", "%(n)s cases are now with %(owner)s.", len(moved))
                % {"n": len(moved), "owner": owner or _("the team queue")},
            )
            return redirect(request.get_full_path())
        messages.error(request, " ".join(e for errors in reassign.errors.values() for e in errors))
    filtered = QueueFilter(request.GET, queryset=Case.objects.select_related("owner"), owners=owners)
    page = CountedPaginator(filtered.qs, QUEUE_PAGE_SIZE, count=filtered.count()).get_page(request.GET.get("pagina"))
    query = request.GET.copy()
    query.pop("pagina", None)
    context = {
        "filter": filtered,
        "page": page,
        "rows": [row.html(tick_name=reassign["cases"].html_name) for row in queue_rows(page.object_list)],
        "query": query.urlencode(),
        "reassign": reassign,
    }
    access_record_cases(request, AccessAction.VIEW, [case.pk for case in page.object_list])
    return render(request, "caseflow/team/queue.html", context)


# --- Reviews ------------------------------------------------------------------------------


@require_POST
def review_request(request: HttpRequest, reference: str) -> HttpResponse:
    """An advisor asks a team lead to look at the case (from the case page)."""
    case = case_for(request, reference, permission=CHANGE_CASE)
    try:
        question = posted_text(request, "question", max_length=Case._meta.get_field("review_question").max_length)
        case_request_review(case=case, by=request.user, question=question)
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.success(request, _("The team leads have been asked to review this case."))
    return redirect(case)


@require_POST
def review_done(request: HttpRequest, reference: str) -> HttpResponse:
    require_permission(request, LEAD_TEAM)
    case = case_for(request, reference, permission=CHANGE_CASE)
    try:
        case_mark_reviewed(case=case, by=request.user, comment=posted_text(request, "comment"))
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.success(request, _("The case is marked as reviewed."))
    return redirect("team_reviews") if request.POST.get("next") == "reviews" else redirect(case)


REVIEWED_SHOWN = 20


@require_GET
def reviews(request: HttpRequest) -> HttpResponse:
    require_permission(request, LEAD_TEAM)
    with_people = Case.objects.select_related("owner", "review_requested_by", "reviewed_by")
    context = {
        "asked": list(with_people.filter(review_requested_at__isnull=False).order_by("review_requested_at", "id")),
        "reviewed": list(
            with_people.filter(reviewed_at__isnull=False, review_requested_at=None).order_by("-reviewed_at")[
                :REVIEWED_SHOWN
            ]
        ),
    }
    access_record_cases(request, AccessAction.VIEW, [case.pk for case in context["asked"] + context["reviewed"]])
    return render(request, "caseflow/team/reviews.html", context)


# --- Figures over time ----------------------------------------------------------------------

WEEKS_CHOICES = (4, 12, 26, 52)


def _period(request: HttpRequest) -> tuple[int, datetime, datetime]:
    try:
        weeks = int(request.GET.get("weken", 12))
    except ValueError:
        weeks = 12
    weeks = weeks if weeks in WEEKS_CHOICES else 12
    end = timezone.now()
    return weeks, end - timedelta(weeks=weeks), end


@require_GET
def figures(request: HttpRequest) -> HttpResponse:
    require_permission(request, LEAD_TEAM)
    weeks, start, end = _period(request)
    charts = [(series, bar_chart(series.rows(start, end))) for series in all_series()]
    return render(
        request, "caseflow/team/figures.html", {"charts": charts, "weeks": weeks, "weeks_choices": WEEKS_CHOICES}
    )


@require_GET
def figures_csv(request: HttpRequest, key: str) -> HttpResponse:
    """One series as CSV; every export is written to the access log."""
    require_permission(request, LEAD_TEAM)
    series = series_by_key(key)
    if series is None:
        raise Http404
    weeks, start, end = _period(request)
    rows = series.rows(start, end)
    AccessLog.objects.create(user=request.user, action=AccessAction.EXPORT, what=export_what(series, weeks))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="caseflow-{key}-{timezone.localdate()}.csv"'
    writer = csv.writer(response)
    writer.writerow([_("period or group"), str(series.unit)])
    writer.writerows(rows)
    return response
