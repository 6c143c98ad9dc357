"""The case page and the edits of the case itself (summary, owner, status).

Each edit form carries the version the user saw; a ConcurrentEditError
re-renders the form with the user's input and says who got there first.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from caseflow.accounts.access import CHANGE_CASE, case_for
from caseflow.audit.access_log import access_record, access_rows_write, case_viewers
from caseflow.audit.models import AccessAction
from caseflow.callbacks.models import Callback
from caseflow.cases import services
from caseflow.cases.forms import CaseCloseForm, CaseEditForm, CaseReopenForm, CaseStatusForm, VersionedForm
from caseflow.cases.locking import ConcurrentEditError
from caseflow.cases.models import Case
from caseflow.cases.panels import case_panels


@require_GET
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_for(request, reference)
    access_record(request, AccessAction.VIEW, case=case, what="case")
    access_rows_write(request)  # now, so that "who looked" below includes this look
    context = {
        "case": case,
        "viewers": case_viewers(case),
        "topics": list(case.topics.all()),
        "callbacks": _case_callbacks(case),
        "action_panels": case_panels(request, case, "actions"),
        "fact_panels": case_panels(request, case, "facts"),
        "main_panels": case_panels(request, case, "main"),
    }
    return render(request, "caseflow/case_detail.html", context)


# The case page shows the open call-backs and the last few finished ones.
FINISHED_CALLBACKS_SHOWN = 3


def _case_callbacks(case: Case) -> list[Callback]:
    rows = list(case.callbacks.select_related("assigned_to").order_by("-due_at", "-id")[:20])
    still_open = sorted((c for c in rows if c.is_open), key=lambda c: c.due_at)
    return still_open + [c for c in rows if not c.is_open][:FINISHED_CALLBACKS_SHOWN]


def _edit(
    request: HttpRequest,
    reference: str,
    *,
    form_class: type[VersionedForm],
    initial: Callable[[Case], dict],
    apply: Callable[[Case, dict], Case],
    title: str,
    done: str,
) -> HttpResponse:
    """GET shows the form; POST applies it through a service, or says why not."""
    case = case_for(request, reference, permission=CHANGE_CASE)
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            try:
                apply(case, form.cleaned_data)
            except ConcurrentEditError as conflict:
                form.add_error(None, conflict.message())
                # The message says "check the case and save again": saving this form again applies it.
                form.data = form.data.copy()
                form.data["version"] = conflict.case.version
            except ValidationError as refusal:
                form.add_error(None, refusal)
            else:
                messages.success(request, done)
                return redirect(case)
    else:
        form = form_class(initial={"version": case.version, **initial(case)})
    return render(request, "caseflow/case_form.html", {"case": case, "form": form, "title": title})


@require_http_methods(["GET", "POST"])
def case_edit(request: HttpRequest, reference: str) -> HttpResponse:
    return _edit(
        request,
        reference,
        form_class=CaseEditForm,
        initial=lambda case: {"summary": case.summary, "topics": case.topics.all(), "owner": case.owner},
        apply=lambda case, data: services.case_update(
            case=case,
            expected_version=data["version"],
            by=request.user,
            summary=data["summary"],
            topics=data["topics"],
            owner=data["owner"],
        ),
        title=_("Edit case"),
        done=_("The case has been saved."),
    )


@require_http_methods(["GET", "POST"])
def case_status(request: HttpRequest, reference: str) -> HttpResponse:
    return _edit(
        request,
        reference,
        form_class=CaseStatusForm,
        initial=lambda case: {"status": case.status},
        apply=lambda case, data: services.case_set_status(
            case=case, expected_version=data["version"], by=request.user, status=data["status"]
        ),
        title=_("Change status"),
        done=_("The status has been changed."),
    )


@require_http_methods(["GET", "POST"])
def case_close(request: HttpRequest, reference: str) -> HttpResponse:
    return _edit(
        request,
        reference,
        form_class=CaseCloseForm,
        initial=lambda case: {},
        apply=lambda case, data: services.case_close(
            case=case, expected_version=data["version"], by=request.user, reason=data["reason"], note=data["note"]
        ),
        title=_("Close case"),
        done=_("The case has been closed."),
    )


@require_http_methods(["GET", "POST"])
def case_reopen(request: HttpRequest, reference: str) -> HttpResponse:
    return _edit(
        request,
        reference,
        form_class=CaseReopenForm,
        initial=lambda case: {},
        apply=lambda case, data: services.case_reopen(case=case, expected_version=data["version"], by=request.user),
        title=_("Reopen case"),
        done=_("The case is open again."),
    )
