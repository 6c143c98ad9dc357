"""The advice on the case page and beside the call form, and referrals."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from caseflow.accounts.access import VIEW_CASE, case_for, require_permission
from caseflow.audit.access_log import access_record
from caseflow.audit.models import AccessAction
from caseflow.cases.models import Case
from caseflow.lib.request_input import plain_text
from consent.services import DisclosureRefused, consent_gate
from intake.models import ParentQuestion, StepTaken
from referrals import selectors, services
from referrals.forms import ManualReferralForm, ReferralStatusForm
from referrals.models import Loket, Referral
from referrals.package import PACKAGE_PURPOSE, package_content
from referrals.rules import Facts, advise

ADD_REFERRAL = "referrals.add_referral"
CHANGE_REFERRAL = "referrals.change_referral"


@require_GET
def advice_preview(request: HttpRequest) -> HttpResponse:
    """The advice for the key questions as they stand in the call form (htmx, on every change)."""
    require_permission(request, VIEW_CASE)
    case = None
    if request.GET.get("zaak"):
        case = Case.objects.filter(reference=plain_text(request.GET["zaak"])).first()
    facts = _facts_from_form(request, case)
    advice = advise(facts, selectors.rule_parameters())
    return render(request, "referrals/_advice.html", _advice_context(advice, case=None))


def _facts_from_form(request: HttpRequest, case: Case | None) -> Facts:
    from django.utils.dateparse import parse_date

    from caseflow.cases.models import weeks_since

    data = request.GET
    known = selectors.facts_for_case(case) if case else Facts()
    at_home = data.get("gesprek-at_home", known.at_home)
    try:
        since = parse_date(data.get("gesprek-at_home_since", "") or "") if "gesprek-at_home_since" in data else None
    except ValueError:  # well formed but no date (2026-02-30): the form says so; the advice goes without
        since = None
    return Facts(
        steps_taken=frozenset(s for s in data.getlist("gesprek-steps_taken") if s in StepTaken.values),
        conflict=data.get("gesprek-conflict", "unknown"),
        disagrees_with_advice=bool(data.get("gesprek-disagrees_with_advice")),
        at_home=at_home,
        weeks_at_home=weeks_since(since) if at_home == "yes" and since else known.weeks_at_home,
        school_type=data.get("kind-school_type", known.school_type),
        care_involved=bool(data.get("gesprek-care_involved")),
        legal_procedure=bool(data.get("gesprek-legal_procedure")),
        truancy=bool(data.get("gesprek-truancy")),
        topics=known.topics,
        questions=frozenset(q for q in data.getlist("gesprek-questions") if q in ParentQuestion.values),
    )


def _advice_context(advice, *, case: Case | None, referrals=()) -> dict:
    lokets = {loket.code: loket for loket in Loket.objects.filter(code__in={a.loket for a in advice})}
    referred = {r.loket.code for r in referrals if r.is_open}
    rows = [
        {"advice": a, "loket": lokets.get(a.loket), "referable": case is not None and a.can_be_referred
         and a.loket in lokets and lokets[a.loket].direct_referral and a.loket not in referred}
        for a in advice
    ]
    return {"rows": rows, "case": case}


def advice_panel_context(request: HttpRequest, case: Case) -> dict:
    """The case page's advice panel (registered in apps.py)."""
    referrals = selectors.referrals_of(case)
    return {
        **_advice_context(selectors.advice_for_case(case), case=case, referrals=referrals),
        "referrals": selectors.referral_rows(case, referrals),
        # A referral waiting for consent links to the consent form with its purpose and loket.
        "consent_purpose": PACKAGE_PURPOSE,
    }


@require_POST
def refer(request: HttpRequest, reference: str) -> HttpResponse:
    """One click on a recommendation: the referral, with the rule and its reason."""
    require_permission(request, ADD_REFERRAL)
    case = case_for(request, reference)
    loket = get_object_or_404(Loket, code=plain_text(request.POST.get("loket", "")), active=True)
    advice = next(
        (a for a in selectors.advice_for_case(case)
         if a.loket == loket.code and a.rule == request.POST.get("rule") and a.can_be_referred),
        None,
    )
    if advice is None:
        messages.error(request, _("The advice has changed; refer with your own reason below."))
        return redirect("referrals:refer_manual", reference=case.reference)
    try:
        services.referral_make(case=case, loket=loket, by=request.user, advice=advice)
    except ValidationError as refusal:
        messages.error(request, refusal.messages[0])
    else:
        messages.success(request, _("Referred to %(loket)s.") % {"loket": loket})
    return redirect(case)


@require_http_methods(["GET", "POST"])
def refer_manual(request: HttpRequest, reference: str) -> HttpResponse:
    """A referral the advisor makes on their own judgement, with the reason."""
    require_permission(request, ADD_REFERRAL)
    case = case_for(request, reference)
    form = ManualReferralForm(request.POST or None, initial={"loket": request.GET.get("loket")})
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_make(
                case=case, loket=form.cleaned_data["loket"], by=request.user, advice=None,
                manual_reason=form.cleaned_data["reason"],
            )
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(request, _("Referred to %(loket)s.") % {"loket": form.cleaned_data["loket"]})
            return redirect(case)
    return render(request, "referrals/refer_manual.html", {"case": case, "form": form})


@require_http_methods(["GET", "POST"])
def referral_status(request: HttpRequest, reference: str, referral_id: int) -> HttpResponse:
    require_permission(request, CHANGE_REFERRAL)
    case = case_for(request, reference)
    referral = get_object_or_404(Referral.objects.select_related("loket"), pk=referral_id, case=case)
    form = ReferralStatusForm(request.POST or None, initial={"status": referral.status, "notes": referral.notes})
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_set_status(
                referral=referral, by=request.user, status=form.cleaned_data["status"],
                decline_reason=form.cleaned_data["decline_reason"], notes=form.cleaned_data["notes"],
            )
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(request, _("The referral has been updated."))
            return redirect(case)
    context = {"case": case, "referral": referral, "form": form,
               "row": selectors.referral_rows(case, [referral])[0]}
    return render(request, "referrals/referral_status.html", context)


@require_http_methods(["GET", "POST"])
def send_package(request: HttpRequest, reference: str, referral_id: int) -> HttpResponse:
    """POST sends the referral package (through the consent gate, only the consented data, logged)
    and then shows it on a GET of the same address: a reload or the back button shows the
    package again, never sends it a second time, and never answers "method not allowed"."""
    require_permission(request, CHANGE_REFERRAL)
    case = case_for(request, reference)
    referral = get_object_or_404(Referral.objects.select_related("loket", "case"), pk=referral_id, case=case)
    if request.method == "GET":
        return _package_page(request, case, referral)
    try:
        content = services.referral_send_package(referral=referral, by=request.user)
    except DisclosureRefused as refused:
        messages.error(request, _("Not sent: %(reason)s") % {"reason": refused.answer.reason})
        return redirect(case)
    if request.POST.get("format") == "json":
        access_record(request, AccessAction.EXPORT, case=case, what=f"referral package {referral.loket.code}")
        response = HttpResponse(content, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{case.reference}-{referral.loket.code}.json"'
        return response
    return redirect("referrals:send_package", reference=case.reference, referral_id=referral.pk)


def _package_page(request: HttpRequest, case: Case, referral: Referral) -> HttpResponse:
    """The package as last sent to the loket, shown again without a new sending, as long as the
    consent gate still lets those categories go (else, and when nothing was sent, the case page says why)."""
    sent = selectors.package_last_sent(referral)
    if sent is None:
        messages.info(request, _("The package has not been sent: use “Send package” beside the referral."))
        return redirect(case)
    answer = consent_gate(case=case, purpose=sent.purpose, recipient_code=sent.recipient_code,
                          categories=sent.categories)  # fmt: skip
    if not answer.allowed:
        messages.error(request, _("The package can no longer be shown: %(reason)s") % {"reason": answer.reason})
        return redirect(case)
    access_record(request, AccessAction.PRINT, case=case, what=f"referral package {referral.loket.code}")
    package = package_content(referral, set(sent.categories), made_at=sent.made_at)
    return render(request, "referrals/package.html", {"case": case, "referral": referral, "package": package})
