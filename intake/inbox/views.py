"""The advisors' inbox: the waiting messages with the cases they may belong to, and the one step
that turns a message into a call with a call-back."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from caseflow.accounts.access import require_permission
from caseflow.audit.access_log import access_record, access_record_cases
from caseflow.audit.models import AccessAction
from caseflow.cases.models import Case
from intake.inbox import selectors, services
from intake.inbox.forms import MessageToCallForm
from intake.models import InboxMessage

VIEW_INBOX = "intake.view_inboxmessage"
CHANGE_INBOX = "intake.change_inboxmessage"
# Ten messages a page, each with its own form to make it a call: an advisor works the oldest
# first, and at 25 rendering the forms took most of the page's time (p95 300 ms in make bench).
PAGE_SIZE = 10
# Refusals that mean a colleague has the message: the inbox says who, the form is not shown again.
TAKEN = {"handled", "picked_up"}


@dataclass
class InboxRow:
    message: InboxMessage
    matches: list[Case]
    form: MessageToCallForm


def _inbox_page(request: HttpRequest, *, bound: MessageToCallForm | None = None, status: int = 200) -> HttpResponse:
    page = Paginator(selectors.inbox_waiting(), PAGE_SIZE).get_page(request.GET.get("pagina"))
    shown = list(page.object_list)
    if bound is not None and bound.message not in shown:
        shown.insert(0, bound.message)  # the message whose form had an error stays in view
    matches = selectors.cases_matching(shown)
    rows = []
    for message in shown:
        mine = matches.get(message.pk, [])
        refused_here = bound is not None and bound.message == message
        form = bound if refused_here else MessageToCallForm(message=message, matches=mine)
        rows.append(InboxRow(message, mine, form))
    # The messages are personal data of no case yet: one row for the page; and one per case it showed.
    access_record(request, AccessAction.VIEW, what="inbox")
    access_record_cases(request, AccessAction.VIEW, {case.pk for row in rows for case in row.matches}, what="inbox")
    # The refused form is shown in its row; named on its own too, for what inspects the page (the form fuzz test).
    context = {"page": page, "rows": rows, "refused_form": bound}
    return render(request, "intake/inbox/inbox.html", context, status=status)


@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    require_permission(request, VIEW_INBOX)
    return _inbox_page(request)


def _message_for(request: HttpRequest, pk: int) -> InboxMessage:
    require_permission(request, CHANGE_INBOX)
    return get_object_or_404(InboxMessage.objects.select_related("picked_up_by"), pk=pk)


@require_POST
def message_to_call(request: HttpRequest, pk: int) -> HttpResponse:
    """One step: the message becomes a call on the chosen case (or a new one) and a call-back."""
    message = _message_for(request, pk)
    matches = selectors.cases_matching([message]).get(message.pk, [])
    form = MessageToCallForm(request.POST, message=message, matches=matches)
    if not form.is_valid():
        return _inbox_page(request, bound=form)
    caller, child = form.new_case_fields() if form.cleaned_data["case"] is None else (None, None)
    try:
        handled, callback = services.inbox_message_to_call(
            message=message, by=request.user, case=form.cleaned_data["case"], notes=form.cleaned_data["notes"],
            caller=caller, child=child,
        )  # fmt: skip
    except ValidationError as refusal:
        if refusal.code in TAKEN:
            messages.error(request, refusal.message)
            return redirect("inbox:inbox")
        form.add_error(None, refusal)
        return _inbox_page(request, bound=form)
    messages.success(
        request,
        _("The message is a call on case %(case)s now. You call back on %(when)s.")
        % {"case": handled.case, "when": formats.date_format(timezone.localtime(callback.due_at), "l j F H:i")},
    )
    return redirect(handled.case)


def _claim_changed(request: HttpRequest, pk: int, service, done: str) -> HttpResponse:
    """Pick a message up or put it back, and say how it went on the inbox page."""
    message = _message_for(request, pk)
    try:
        service(message=message, by=request.user)
    except ValidationError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, done)
    return redirect("inbox:inbox")


@require_POST
def pick_up(request: HttpRequest, pk: int) -> HttpResponse:
    return _claim_changed(request, pk, services.inbox_pick_up,
                          _("You have picked up this message; your colleagues see that you are on it."))  # fmt: skip


@require_POST
def put_back(request: HttpRequest, pk: int) -> HttpResponse:
    return _claim_changed(request, pk, services.inbox_put_back,
                          _("The message is back in the inbox for the whole team."))  # fmt: skip
