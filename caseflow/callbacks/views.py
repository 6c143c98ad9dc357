"""Call-back pages: plan one in a free slot, today's list, outcomes, the team lead's overdue queue,
and the notification inbox with its badge."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from caseflow.accounts.access import (
    ADD_CALLBACK,
    CHANGE_CALLBACK,
    LEAD_TEAM,
    VIEW_CALLBACK,
    VIEW_CASE,
    callback_for,
    case_for,
    require_permission,
)
from caseflow.accounts.security import passive
from caseflow.audit.access_log import access_record_cases
from caseflow.audit.models import AccessAction
from caseflow.callbacks import office_hours, services
from caseflow.callbacks.forms import CallbackOutcomeForm, CallbackPlanForm, CallbackTimeForm, slot_value
from caseflow.callbacks.models import Callback, CallbackStatus
from caseflow.callbacks.services import (
    TIME_REFUSALS,
    callback_schedule,
    slot_offers,
)
from caseflow.cases.forms import case_workers
from caseflow.cases.models import Case
from caseflow.cases.parties import case_parties
from caseflow.lib.phones import phone_display
from caseflow.lib.request_input import next_path, row_id
from caseflow.notifications.models import Notification
from caseflow.notifications.services import notification_page, notifications_mark_read, notifications_unread_count

# --- The slot grid ------------------------------------------------------------------


def _grid_start(request: HttpRequest) -> datetime:
    """From now, or from the start of the day the advisor asked for (never the past)."""
    try:
        day = date.fromisoformat(request.GET.get("vanaf", ""))
    except ValueError:
        return timezone.now()
    if day.year > timezone.localdate().year + 1:  # nobody plans that far; 9999-12-30 ran off the calendar
        return timezone.now()
    return max(timezone.now(), office_hours.local_datetime(day, datetime.min.time()))


def _slot_grid(*, assignee, after: datetime, chosen: str | None) -> dict:
    """The slots of five working days as rows of times and columns of days, with their load."""
    offers = slot_offers(assignee=assignee, after=after)
    days = sorted({timezone.localtime(offer.starts).date() for offer in offers})
    cells = {(timezone.localtime(o.starts).date(), timezone.localtime(o.starts).time()): o for o in offers}
    if chosen is None:
        chosen = next((slot_value(o.starts) for o in offers if o.free), None)
    rows = [(at, [cells.get((day, at)) for day in days]) for at in office_hours.slot_times()]
    return {
        "days": days,
        "rows": rows,
        "assignee": assignee,
        "chosen": chosen,
        "slot_value": slot_value,
        "next_from": (days[-1] + timedelta(days=1)).isoformat() if days else None,
    }


def _assignee_from(request: HttpRequest, default):
    value = request.GET.get("assigned_to", None)
    if value is None:
        return default
    pk = row_id(value)
    return case_workers().filter(pk=pk).first() if pk is not None else None


@require_GET
def callback_slots(request: HttpRequest) -> HttpResponse:
    """The grid again, for another advisor or later days (htmx, from the plan form)."""
    require_permission(request, ADD_CALLBACK)
    grid = _slot_grid(assignee=_assignee_from(request, None), after=_grid_start(request), chosen=None)
    return render(request, "caseflow/callbacks/_slot_grid.html", grid)


# --- Planning ---------------------------------------------------------------------------


def _first_phone(case: Case) -> str:
    people = case_parties(case).people
    return phone_display(people[0].phone) if people and people[0].phone else ""


def _previous_attempt(request: HttpRequest, case: Case) -> Callback | None:
    pk = row_id(request.GET.get("na") or request.POST.get("previous"))
    if pk is not None:
        return get_object_or_404(Callback, pk=pk, case=case)
    return None


@require_http_methods(["GET", "POST"])
def callback_plan(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_for(request, reference, permission=ADD_CALLBACK)
    previous = _previous_attempt(request, case)
    if request.method == "POST":
        form = CallbackPlanForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                callback_schedule(
                    case=case, by=request.user, assigned_to=data["assigned_to"], due_at=data["slot"],
                    window_minutes=data["window"], subject=data["subject"], phone=data["phone"], previous=previous,
                )  # fmt: skip
            except ValidationError as refusal:
                form.add_error("slot" if refusal.code in TIME_REFUSALS else None, refusal)
            else:
                messages.success(request, _("The call-back has been planned."))
                return redirect(case)
        assignee = form.cleaned_data.get("assigned_to") if hasattr(form, "cleaned_data") else None
        chosen = request.POST.get("slot")
    else:
        assignee = previous.assigned_to if previous else request.user
        initial = {"assigned_to": assignee, "window": 15, "phone": _first_phone(case)}
        if previous:
            initial.update(subject=previous.subject, phone=phone_display(previous.phone), window=_minutes(previous))
        form = CallbackPlanForm(initial=initial)
        chosen = None
    context = {
        "case": case,
        "form": form,
        "previous": previous,
        "max_attempts": settings.CALLBACK_MAX_ATTEMPTS,
        **_slot_grid(assignee=assignee, after=timezone.now(), chosen=chosen),
    }
    return render(request, "caseflow/callbacks/plan.html", context)


def _minutes(callback: Callback) -> int:
    return int((callback.window_ends_at - callback.due_at).total_seconds() // 60)


@require_http_methods(["GET", "POST"])
def callback_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    callback = callback_for(request, pk)
    if request.method == "POST":
        form = CallbackTimeForm(request.POST)
        if form.is_valid():
            try:
                services.callback_reschedule(
                    callback=callback, by=request.user, due_at=form.cleaned_data["slot"],
                    window_minutes=form.cleaned_data["window"],
                )  # fmt: skip
            except ValidationError as refusal:
                form.add_error("slot" if refusal.code in TIME_REFUSALS else None, refusal)
            else:
                messages.success(request, _("The call-back has been moved."))
                return redirect(next_path(request, reverse("callbacks_today")))
        chosen = request.POST.get("slot")
    else:
        form = CallbackTimeForm(initial={"window": _minutes(callback)})
        chosen = None
    context = {
        "callback": callback,
        "case": callback.case,
        "form": form,
        "next": next_path(request, reverse("callbacks_today")),
        **_slot_grid(assignee=callback.assigned_to, after=timezone.now(), chosen=chosen),
    }
    return render(request, "caseflow/callbacks/reschedule.html", context)


# --- Outcomes ---------------------------------------------------------------------------


@require_POST
def callback_finish(request: HttpRequest, pk: int) -> HttpResponse:
    """Done / not reached / cancelled, from the list or the case page.

    After "not reached" with attempts left, the advisor goes straight to
    planning the next attempt: the form is the offer.
    """
    callback = callback_for(request, pk, permission=CHANGE_CALLBACK)
    back = next_path(request, reverse("callbacks_today"))
    form = CallbackOutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(back)
    try:
        callback = services.callback_finish(
            callback=callback, by=request.user, status=form.cleaned_data["status"], note=form.cleaned_data["note"]
        )
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
        return redirect(back)
    if callback.status != CallbackStatus.NOT_REACHED:
        messages.success(request, _("Saved: %(status)s.") % {"status": callback.get_status_display()})
        return redirect(back)
    if callback.attempt >= settings.CALLBACK_MAX_ATTEMPTS:
        messages.warning(
            request,
            _("The parent was not reached in %(n)s attempts. The case has been flagged for the team lead.")
            % {"n": callback.attempt},
        )
        return redirect(back)
    messages.info(request, _("Not reached. Plan attempt %(n)s.") % {"n": callback.attempt + 1})
    return redirect(f"{reverse('callback_plan', args=[callback.case.reference])}?na={callback.pk}")


# --- Lists ----------------------------------------------------------------------------------


def _end_of_today() -> datetime:
    return office_hours.local_datetime(timezone.localdate() + timedelta(days=1), datetime.min.time())


def _with_key_facts(queryset):
    return queryset.select_related("case", "assigned_to", "next_attempt").order_by("due_at", "id")


@require_GET
def callbacks_today(request: HttpRequest) -> HttpResponse:
    """My call-backs until the end of today (earlier ones still open included), then the team queue."""
    require_permission(request, VIEW_CALLBACK)
    until = _end_of_today()
    open_until_today = Callback.objects.open().filter(due_at__lt=until)
    start_of_today = until - timedelta(days=1)
    context = {
        "mine": list(_with_key_facts(open_until_today.filter(assigned_to=request.user))),
        "team_queue": list(_with_key_facts(open_until_today.filter(assigned_to=None))),
        "finished": list(
            _with_key_facts(
                Callback.objects.filter(finished_by=request.user, finished_at__gte=start_of_today).exclude(
                    status=CallbackStatus.CANCELLED
                )
            )
        ),
        "later": Callback.objects.open().filter(assigned_to=request.user, due_at__gte=until).count(),
        "max_attempts": settings.CALLBACK_MAX_ATTEMPTS,
        "outcome_form": CallbackOutcomeForm(),
    }
    shown = [*context["mine"], *context["team_queue"], *context["finished"]]
    access_record_cases(request, AccessAction.VIEW, [callback.case_id for callback in shown])
    return render(request, "caseflow/callbacks/today.html", context)


@require_GET
def callbacks_overdue(request: HttpRequest) -> HttpResponse:
    """The team lead's queue: call-backs escalated as overdue, and cases flagged after failed attempts."""
    require_permission(request, LEAD_TEAM)
    context = {
        "overdue": list(_with_key_facts(Callback.objects.open().filter(~Q(escalated_at=None)))),
        "flagged": list(Case.objects.filter(~Q(flagged_at=None)).open().select_related("owner").order_by("flagged_at")),
        "max_attempts": settings.CALLBACK_MAX_ATTEMPTS,
        "outcome_form": CallbackOutcomeForm(),
    }
    shown = [callback.case_id for callback in context["overdue"]] + [case.pk for case in context["flagged"]]
    access_record_cases(request, AccessAction.VIEW, shown)
    return render(request, "caseflow/callbacks/overdue.html", context)


# --- Notifications --------------------------------------------------------------------------

# The inbox is for the people who work on cases; a notification only ever names a case.
INBOX_LENGTH = 50


@require_GET
def notifications(request: HttpRequest) -> HttpResponse:
    require_permission(request, VIEW_CASE)
    inbox = (
        Notification.objects.filter(recipient=request.user)
        .select_related("case", "callback__assigned_to")
        .order_by("-created_at", "-id")
    )
    return render(request, "caseflow/notifications.html", {"notifications": list(inbox[:INBOX_LENGTH])})


@require_GET
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read and go to what it is about."""
    require_permission(request, VIEW_CASE)
    notification = get_object_or_404(Notification.objects.select_related("case"), pk=pk, recipient=request.user)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    if notification.kind in ("reminder",):
        return redirect("callbacks_today")
    if page := notification_page(notification.kind):
        return redirect(page)
    return redirect(notification.case) if notification.case else redirect("notifications")


@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    require_permission(request, VIEW_CASE)
    notifications_mark_read(user=request.user)
    return redirect("notifications")


@passive
@require_GET
def notification_badge(request: HttpRequest) -> HttpResponse:
    """The unread count in the menu; htmx asks for it every NOTIFICATION_POLL_SECONDS."""
    require_permission(request, VIEW_CASE)
    return render(
        request, "caseflow/_notification_badge.html", {"unread": notifications_unread_count(request.user)}
    )
