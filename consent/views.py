"""Recording and withdrawing consent on a case, the recipients' tasks, the parent's overview, and
the team lead's export of the parent panel's contact list."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from caseflow.accounts.access import LEAD_TEAM, case_for, require_permission
from caseflow.audit.access_log import access_record, access_record_cases
from caseflow.audit.models import AccessAction
from caseflow.cases.models import Case
from caseflow.cases.parties import case_parties
from caseflow.lib.request_input import plain_text
from consent import panel, selectors, services
from consent.forms import ConsentGiveForm, WithdrawForm
from consent.models import ConsentRecord, RecipientNotice

GIVE = "consent.add_consentrecord"
WITHDRAW = "consent.change_consentrecord"
VIEW = "consent.view_consentrecord"


def consent_panel_context(request: HttpRequest, case: Case) -> dict:
    """The case page's consent panel (registered in apps.py)."""
    records, active = selectors.consent_records(case), selectors.active_purposes()
    return {
        "cells": selectors.consent_matrix(case, records, active),
        "notices": selectors.open_notices(case),
        # Offered at the end of a call; the consent form opens with the panel's purpose and recipient.
        "panel_offer": {"doel": panel.PANEL_PURPOSE, "ontvanger": panel.PANEL}
        if any(purpose.code == panel.PANEL_PURPOSE for purpose in active) else None,
    }


@require_http_methods(["GET", "POST"])
def consent_give(request: HttpRequest, reference: str) -> HttpResponse:
    require_permission(request, GIVE)
    case = case_for(request, reference)
    parties = case_parties(case)
    form = ConsentGiveForm(
        request.POST or None, parties=parties,
        # A referral waiting for this consent links here with its purpose and recipient.
        proposed_purpose=plain_text(request.GET.get("doel", "")),
        proposed_recipient=plain_text(request.GET.get("ontvanger", "")),
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data, giver = form.cleaned_data, form.cleaned_data["giver"]
        try:
            services.consent_give(
                case=case, purpose=data["purpose"], recipient_code=data["recipient"],
                recipient_name=form.recipient_name(), categories=data["categories"], child_name=parties.child_name,
                giver_id=giver.id, giver_name=giver.name, giver_authority=giver.authority, method=data["method"],
                valid_until=data["valid_until"], by=request.user, school_proposed=data["school_proposed"],
                shown_version=data["purpose_version"],
            )
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(request, _("The consent has been recorded."))
            return redirect(case)
    return render(request, "consent/form.html", {"case": case, "form": form, "title": _("Record consent")})


@require_http_methods(["GET", "POST"])
def consent_withdraw(request: HttpRequest, reference: str, record_id: int) -> HttpResponse:
    require_permission(request, WITHDRAW)
    case = case_for(request, reference)
    record = get_object_or_404(ConsentRecord.objects.select_related("purpose"), pk=record_id, case=case)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_withdraw(record=record, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(request, _("The consent has been withdrawn; nothing more is sent under it."))
            return redirect(case)
    context = {"case": case, "form": form, "record": record, "title": _("Withdraw consent")}
    return render(request, "consent/form.html", context)


@require_POST
def notice_done(request: HttpRequest, reference: str, notice_id: int) -> HttpResponse:
    require_permission(request, WITHDRAW)
    case = case_for(request, reference)
    services.notice_done(notice=get_object_or_404(RecipientNotice, pk=notice_id, case=case), by=request.user)
    return redirect(case)


@require_GET
def parent_overview(request: HttpRequest, reference: str) -> HttpResponse:
    """For the parent, printable: every consent they gave and what was shared under it."""
    require_permission(request, VIEW)
    case = case_for(request, reference)
    access_record(request, AccessAction.PRINT, case=case, what="consent overview for the parent")
    context = {
        "case": case,
        "records": selectors.consent_records(case),
        "shared": selectors.shared_with(case),
    }
    return render(request, "consent/overview.html", context)


PANEL_EXPORT_LOGGED_AS = "ouderpanel contact list"


@require_http_methods(["GET", "POST"])
def panel_export(request: HttpRequest) -> HttpResponse:
    """The parent panel's contact list for the team lead: a page with a button, and the CSV on POST
    (it lets personal data leave, so never on a link that a browser may open ahead)."""
    require_permission(request, LEAD_TEAM)
    if request.method == "GET":
        return render(request, "consent/panel_export.html", {"recipient": dict(panel.panel_recipients())[panel.PANEL]})
    export = panel.panel_export(by=request.user)
    access_record(request, AccessAction.EXPORT, what=PANEL_EXPORT_LOGGED_AS)
    access_record_cases(request, AccessAction.EXPORT, export.case_ids, what=PANEL_EXPORT_LOGGED_AS)
    response = HttpResponse(export.content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ouderpanel-{timezone.localdate()}.csv"'
    return response
