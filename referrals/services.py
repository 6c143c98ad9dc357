"""Making a referral and moving it through its lifecycle; one transaction each, with history."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from caseflow.accounts.models import User
from caseflow.cases.locking import case_lock
from caseflow.cases.models import Case, CaseStatus
from consent.models import ConsentRecord, DataCategory, Purpose
from consent.services import consented_categories, disclosure_make, recipients_cleared
from referrals.models import MANUAL, Loket, Referral, ReferralStatus
from referrals.package import PACKAGE_PURPOSE, package_bytes
from referrals.rules import Advice

# Where a referral may go from each status. Done, declined and withdrawn are final.
TRANSITIONS: dict[str, set[str]] = {
    ReferralStatus.ADVISED: {ReferralStatus.REGISTERED, ReferralStatus.DECLINED, ReferralStatus.WITHDRAWN},
    # Held until the package passes the consent gate (referral_send_package); it can be withdrawn.
    ReferralStatus.WAITING_FOR_CONSENT: {ReferralStatus.WITHDRAWN},
    ReferralStatus.REGISTERED: {
        ReferralStatus.IN_PROGRESS, ReferralStatus.DONE, ReferralStatus.DECLINED, ReferralStatus.WITHDRAWN,
    },
    ReferralStatus.IN_PROGRESS: {ReferralStatus.DONE, ReferralStatus.DECLINED, ReferralStatus.WITHDRAWN},
}


@transaction.atomic
def referral_make(*, case: Case, loket: Loket, by: User, advice: Advice | None, manual_reason: str = "") -> Referral:
    """Refer the case to a loket, on the rules' advice or, with a reason, against or without it.

    A loket that receives personal data gets nothing yet: the referral waits
    for the parent's consent. The case moves to "referred" while it is open.
    """
    if not loket.direct_referral:
        raise ValidationError(
            _("%(loket)s is not an organisation one can refer to.") % {"loket": loket}, code="no_direct_referral"
        )
    if advice is None and not manual_reason.strip():
        raise ValidationError(
            _("Say why you refer to %(loket)s although the advice does not.") % {"loket": loket},
            code="reason_required",
        )
    case = case_lock(case_id=case.pk)
    referral = Referral(
        case=case,
        loket=loket,
        made_by=by,
        rule_id=advice.rule if advice else MANUAL,
        rule_version=advice.rule_version if advice else "",
        reason=advice.reason if advice else manual_reason.strip(),
        status=ReferralStatus.WAITING_FOR_CONSENT if loket.sends_personal_data else ReferralStatus.ADVISED,
    )
    referral._history_user = by
    referral.save()
    if case.status in (CaseStatus.NEW, CaseStatus.IN_PROGRESS):
        case.status = CaseStatus.REFERRED
        case._history_user = by
        case.save()
    return referral


@transaction.atomic
def referral_set_status(
    *, referral: Referral, by: User, status: str, decline_reason: str = "", notes: str | None = None
) -> Referral:
    """Move the referral on (or keep its status and only change the notes)."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if status != referral.status:
        _check_transition(referral, status, decline_reason)
        referral.status, referral.decline_reason = status, decline_reason.strip()
    if notes is not None:
        referral.notes = notes.strip()
    referral._history_user = by
    referral.save()
    return referral


def _check_transition(referral: Referral, status: str, decline_reason: str) -> None:
    if status not in TRANSITIONS.get(referral.status, set()):
        raise ValidationError(
            _("A referral cannot go from “%(old)s” to “%(new)s”.")
            % {"old": referral.get_status_display(), "new": ReferralStatus(status).label},
            code="invalid_transition",
        )
    if status == ReferralStatus.DECLINED and not decline_reason.strip():
        raise ValidationError(_("Say why the referral was declined."), code="reason_required")


def referral_send_package(*, referral: Referral, by: User) -> bytes:
    """The package for the loket, through the consent gate, with only the consented data.

    Raises consent's DisclosureRefused (logged there) when the gate says no. A
    referral that waited for consent counts as registered once its package went out.
    """
    loket = referral.loket
    purpose = Purpose.objects.get(code=PACKAGE_PURPOSE)
    covered = consented_categories(case=referral.case, purpose=purpose, recipient_code=loket.code)
    content = disclosure_make(
        case=referral.case, purpose=purpose, recipient_code=loket.code,
        # Without any consent, ask for the least, so that the refusal names the real reason.
        categories=covered or {DataCategory.CONTACT}, by=by,
        content=lambda categories: package_bytes(referral, categories),
    )
    with transaction.atomic():
        referral = Referral.objects.select_for_update().get(pk=referral.pk)
        if referral.status == ReferralStatus.WAITING_FOR_CONSENT:
            referral.status = ReferralStatus.REGISTERED
            referral._history_user = by
            referral.save()
    return content


def referrals_stop_waiting(*, record: ConsentRecord, by: User, reason: str) -> int:
    """Withdraw the referrals that waited for this consent, now withdrawn.

    Only a consent for the package's purpose is one they wait for, and a referral whose package
    the consents that still stand let go keeps waiting (a parent who withdraws one of two partial
    consents still agrees to the other).
    """
    if record.purpose.code != PACKAGE_PURPOSE:
        return 0
    if recipients_cleared(case=record.case, purpose=record.purpose, recipient_codes={record.recipient_code}):
        return 0
    waiting = Referral.objects.select_for_update().filter(
        case_id=record.case_id, loket__code=record.recipient_code, status=ReferralStatus.WAITING_FOR_CONSENT
    )
    for referral in waiting:
        referral.status, referral.notes = ReferralStatus.WITHDRAWN, f"{referral.notes}\n{reason}".strip()
        referral._history_user = by
        referral.save()
    return len(waiting)
