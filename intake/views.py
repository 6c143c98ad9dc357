"""The call screen, search, the call form on a case, drafts, and the case lists."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from caseflow.accounts.access import CHANGE_CASE, VIEW_CASE, case_for, require_permission
from caseflow.audit.access_log import access_record_cases, access_record_search
from caseflow.audit.models import AccessAction
from caseflow.cases.locking import ConcurrentEditError
from caseflow.cases.models import Case
from caseflow.cases.panels import case_panels
from caseflow.lib.request_input import next_path, plain_text, row_id
from intake import selectors, services
from intake.drafts import DraftGrant, draft_grant_read, draft_grant_sign
from intake.filters import CaseFilter
from intake.forms import CallerForm, CallForm, ChildForm, NewCaseForm, draft_initial
from intake.models import CallDraft, Caller

ADD_CALL = "intake.add_call"
PAGE_SIZE = 25
# Form fields that are not the advisor's input and are never kept in a draft.
_NOT_DRAFTED = {"csrfmiddlewaretoken", "draft_grant", "form_token"}
# A draft is the advisor's typing, not a file upload: each value is capped.
_DRAFT_VALUE_MAX = 20_000


# --- The call screen ----------------------------------------------------------------


def _form_token(request: HttpRequest) -> uuid.UUID:
    try:
        return uuid.UUID(request.POST.get("form_token", ""))
    except ValueError:
        return uuid.uuid4()


# The call screen's forms by their prefix in the posted data (Dutch, as the field ids show).
NEW_CALL_FORMS = {"beller": CallerForm, "kind": ChildForm, "gesprek": CallForm, "zaak": NewCaseForm}


def _new_call_forms(data=None, draft: CallDraft | None = None) -> dict:
    saved = draft.data if draft else {}
    return {
        prefix: form_class(data, prefix=prefix, initial=draft_initial(form_class, prefix, saved))
        for prefix, form_class in NEW_CALL_FORMS.items()
    }


def _draft_context(request: HttpRequest, *, slot: str, form_token: uuid.UUID, draft: CallDraft | None) -> dict:
    """The form's own grant to autosave, the draft it restored, and the advisor's other unsaved
    calls on this page, offered to restore or discard (never merged into this form)."""
    grant = DraftGrant(author_id=request.user.pk, slot=slot, form_token=form_token)
    return {
        "form_token": form_token,
        "draft_grant": draft_grant_sign(grant),
        "draft": draft,
        "drafts_offered": selectors.drafts_offered(author=request.user, slot=slot, besides=form_token),
    }


def _draft_to_restore(request: HttpRequest, slot: str) -> CallDraft | None:
    """The draft the advisor chose to restore on this page (?concept=<id>): only their own."""
    if "concept" not in request.GET:
        return None
    draft = selectors.draft_of(author=request.user, slot=slot, draft_id=row_id(request.GET["concept"]))
    if draft is None:
        messages.warning(request, _("This draft is no longer there: it was saved or discarded."))
    return draft


@require_http_methods(["GET", "POST"])
def call_new(request: HttpRequest) -> HttpResponse:
    """Search first; if the caller is new, log the call and open their case in one go."""
    require_permission(request, ADD_CALL)
    slot = services.NEW_CASE_SLOT
    duplicates: list[Case] = []
    if request.method == "POST":
        forms, form_token, draft = _new_call_forms(request.POST), _form_token(request), None
        sent_before = services.call_logged_with(form_token)
        if sent_before:
            # A double click or a resent page: the case is there already.
            return redirect(sent_before.case)
        if all(form.is_valid() for form in forms.values()):
            duplicates = _possible_duplicates(forms)
            if not duplicates or forms["zaak"].cleaned_data["confirm_duplicate"]:
                call = services.case_open_with_call(
                    by=request.user,
                    caller=forms["beller"].cleaned_data,
                    child=forms["kind"].cleaned_data,
                    call=forms["gesprek"].call_fields(),
                    topics=forms["gesprek"].cleaned_data["topics"],
                    summary=forms["zaak"].cleaned_data["summary"],
                    form_token=form_token,
                )
                messages.success(request, _("Case %(reference)s is opened with this call.") % {"reference": call.case})
                return redirect(call.case)
    else:
        # A new call starts empty: an earlier unsaved call is offered, and restored only on request.
        draft = _draft_to_restore(request, slot)
        forms = _new_call_forms(draft=draft)
        form_token = draft.form_token if draft else uuid.uuid4()
    query = request.GET.get("q", "")
    access_record_cases(request, AccessAction.SEARCH, [case.pk for case in duplicates], what="duplicate check")
    context = {
        **forms,
        **_draft_context(request, slot=slot, form_token=form_token, draft=draft),
        "duplicates": duplicates,
        "query": query,
        "result": _searched(request, query) if query else None,
        "side_panels": case_panels(request, None, "call_form"),
    }
    return render(request, "intake/call_new.html", context)


def _possible_duplicates(forms: dict) -> list[Case]:
    caller, child = forms["beller"].cleaned_data, forms["kind"].cleaned_data
    return selectors.open_cases_like(
        phones=[number for number in (caller["phone"], caller["phone_alt"]) if number],
        child_first_name=child["first_name"],
        birth_date=child["birth_date"],
        birth_year=child["birth_year"],
    )


def _searched(request: HttpRequest, query: str) -> selectors.SearchResult:
    """The search, in the access log: one row per case shown. What was searched for is not
    stored (it is a name or a number); how, and what came back, is."""
    result = selectors.case_search(query)
    if result.kind:
        access_record_search(request, [case.pk for case in result.cases], how=result.kind)
    return result


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """Cases matching a phone number, reference or name: the call screen's live results."""
    require_permission(request, VIEW_CASE)
    result = _searched(request, request.GET.get("q", ""))
    template = "intake/_search_results.html" if request.htmx else "intake/search.html"
    return render(request, template, {"result": result})


@require_http_methods(["GET", "POST"])
def call_add(request: HttpRequest, reference: str) -> HttpResponse:
    """Log a call on an existing case (the parent calls back)."""
    require_permission(request, ADD_CALL)
    case = case_for(request, reference)
    slot = services.draft_slot_for(case)
    if request.method == "POST":
        form, form_token, draft = CallForm(request.POST, prefix="gesprek"), _form_token(request), None
        if form.is_valid():
            services.call_log(
                case=case,
                by=request.user,
                call=form.call_fields(),
                topics=form.cleaned_data["topics"],
                form_token=form_token,
            )
            messages.success(request, _("The call has been added to case %(reference)s.") % {"reference": case})
            return redirect(case)
    else:
        draft = _draft_to_restore(request, slot)
        # A draft is given back as typed; a new call starts from the case's facts, so that saving
        # it with only notes changes nothing the parent did not say had changed.
        initial = draft_initial(CallForm, "gesprek", draft.data) if draft else selectors.case_facts(case)
        form = CallForm(prefix="gesprek", initial=initial)
        form_token = draft.form_token if draft else uuid.uuid4()
    context = {
        "case": case,
        "gesprek": form,
        "side_panels": case_panels(request, case, "call_form"),
        **_draft_context(request, slot=slot, form_token=form_token, draft=draft),
    }
    return render(request, "intake/call_add.html", context)


# --- Drafts -------------------------------------------------------------------------


@login_not_required
@require_POST
def draft_save(request: HttpRequest) -> HttpResponse:
    """Autosave of a call form. Authorised by the form's signed grant, so that a
    form whose session expired still saves (see intake/drafts.py)."""
    grant = draft_grant_read(request.POST.get("draft_grant", ""))
    if grant is None:
        return HttpResponseBadRequest(_("This form can no longer be saved as a draft. Reload the page."))
    if request.user.is_authenticated and request.user.pk != grant.author_id:
        raise PermissionDenied
    author = get_object_or_404(get_user_model(), pk=grant.author_id, is_active=True)
    case = None
    if grant.slot != services.NEW_CASE_SLOT:
        case = get_object_or_404(Case, pk=int(grant.slot.removeprefix("case-")))
    data = {
        plain_text(name): [plain_text(value[:_DRAFT_VALUE_MAX]) for value in values]
        for name, values in request.POST.lists()
        if name not in _NOT_DRAFTED
    }
    try:
        saved = services.draft_save(author=author, slot=grant.slot, case=case, form_token=grant.form_token, data=data)
    except ValidationError as refused:
        # 410 Gone: the case's personal data is gone, and no later autosave of this form will be kept.
        return HttpResponse(" ".join(refused.messages), status=410)
    if saved is None:
        return HttpResponse(status=204)
    when = time_format(timezone.localtime(saved.updated_at), "H:i")
    return HttpResponse(_("Draft saved at %(time)s") % {"time": when})


@require_POST
def draft_discard(request: HttpRequest) -> HttpResponse:
    """Throw away one unsaved call, and go back to the (empty) form it was offered on."""
    require_permission(request, ADD_CALL)
    draft_id = row_id(request.POST.get("concept"))
    if draft_id is not None and services.draft_discard(author=request.user, draft_id=draft_id):
        messages.info(request, _("The draft has been discarded."))
    return redirect(next_path(request, reverse("intake:call_new")))


# --- Caller and child ---------------------------------------------------------------


def _edit_details(request: HttpRequest, case: Case, form_class, instance, save, title: str) -> HttpResponse:
    """The caller and child forms: versioned like the case, as they are part of it."""
    if request.method == "POST":
        form = form_class(request.POST, instance=instance)
        version = _posted_version(request)
        if form.is_valid() and version is not None:
            try:
                save(form.cleaned_data, version)
            except ConcurrentEditError as conflict:
                form.add_error(None, conflict.message())
                # The message says "check the case and save again": saving this form again applies it.
                version = conflict.case.version
            else:
                messages.success(request, _("The details have been saved."))
                return redirect(case)
    else:
        form, version = form_class(instance=instance), case.version
    context = {"case": case, "form": form, "version": version or case.version, "title": title}
    return render(request, "intake/details_form.html", context)


def _posted_version(request: HttpRequest) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


def _fields(cleaned: dict, form_class) -> dict:
    return {name: cleaned[name] for name in form_class.Meta.fields}


@require_http_methods(["GET", "POST"])
def child_edit(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_for(request, reference, permission=CHANGE_CASE)
    return _edit_details(
        request,
        case,
        ChildForm,
        case.child,
        lambda cleaned, version: services.child_update(
            case=case, expected_version=version, by=request.user, fields=_fields(cleaned, ChildForm)
        ),
        _("Child"),
    )


@require_http_methods(["GET", "POST"])
def caller_edit(request: HttpRequest, reference: str, caller_id: int) -> HttpResponse:
    case = case_for(request, reference, permission=CHANGE_CASE)
    caller = get_object_or_404(Caller, pk=caller_id, case=case)
    return _edit_details(
        request,
        case,
        CallerForm,
        caller,
        lambda cleaned, version: services.caller_update(
            caller=caller, expected_version=version, by=request.user, fields=_fields(cleaned, CallerForm)
        ),
        _("Caller"),
    )


@require_http_methods(["GET", "POST"])
def caller_add(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_for(request, reference, permission=CHANGE_CASE)
    return _edit_details(
        request,
        case,
        CallerForm,
        None,
        lambda cleaned, version: services.caller_add(case=case, by=request.user, fields=_fields(cleaned, CallerForm)),
        _("Another caller"),
    )


# --- Case lists ---------------------------------------------------------------------


def _case_list(request: HttpRequest, cases, *, title: str, show_owner: bool) -> HttpResponse:
    filtered = CaseFilter(request.GET, queryset=cases)
    page = Paginator(filtered.qs, PAGE_SIZE).get_page(request.GET.get("pagina"))
    access_record_cases(request, AccessAction.VIEW, [case.pk for case in page.object_list])
    context = {"filter": filtered, "page": page, "title": title, "show_owner": show_owner}
    return render(request, "intake/case_list.html", context)


@require_GET
def my_cases(request: HttpRequest) -> HttpResponse:
    require_permission(request, VIEW_CASE)
    cases = selectors.cases_for_lists().filter(owner=request.user)
    return _case_list(request, cases, title=_("My cases"), show_owner=False)


@require_GET
def all_cases(request: HttpRequest) -> HttpResponse:
    require_permission(request, VIEW_CASE)
    return _case_list(request, selectors.cases_for_lists(), title=_("All cases"), show_owner=True)
