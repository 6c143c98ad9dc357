import io
import re
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from caseflow.accounts import roles
from caseflow.accounts.demo import DEMO_ACCOUNTS
from caseflow.accounts.models import User
from caseflow.cases.models import Case, CaseStatus
from caseflow.lib.history import writes_keeping_history_otherwise
from consent.demo import CONSENTS_PER_CASE, demo_consents_seed
from consent.models import ConsentRecord, Disclosure, Purpose
from consent.services import recipients_cleared
from intake.demo_inbox import INBOX_PER_CASE, demo_inbox_seed
from intake.models import Caller, Child, InboxMessage, YesNoUnknown
from referrals.demo import REFERRALS_PER_CASE, demo_referrals_seed
from referrals.models import Referral, ReferralStatus
from referrals.package import PACKAGE_PURPOSE
from referrals.selectors import advice_for_case, package_last_sent


def test_demo_accounts_are_refused_with_debug_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only made with DEBUG on"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_demo_accounts_sign_in_with_the_printed_passwords(db, settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    printed = capsys.readouterr().out
    for account in DEMO_ACCOUNTS:
        line = re.search(rf"^\s+{account.role}\s+{account.username}\s+(\S+)$", printed, re.MULTILINE)
        assert line, printed
        client = Client()
        response = client.post(reverse("login"), {"username": account.username, "password": line.group(1)})
        assert response.status_code == 302 and "_auth_user_id" in client.session
        user = User.objects.get(username=account.username)
        assert list(user.groups.values_list("name", flat=True)) == [account.role]
    assert {a.role for a in DEMO_ACCOUNTS} == {roles.ADVISOR, roles.TEAM_LEAD}
    assert sum(a.role == roles.ADVISOR for a in DEMO_ACCOUNTS) == 2


def test_running_it_again_gives_new_passwords_and_no_duplicates(db, settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    first = capsys.readouterr().out
    call_command("seed_demo")
    second = capsys.readouterr().out
    assert first != second
    assert User.objects.count() == len(DEMO_ACCOUNTS)


# --- `make run`: the demo shows referrals, consents and inbox messages (issue 21) -------------

MAKE_RUN_CASES = 60
# A Wednesday in term time, mid-morning: the line is open, the inbox holds the night's messages.
DEMO_DAY = datetime(2026, 3, 11, 11, 20, tzinfo=ZoneInfo("Europe/Amsterdam"))
# Seeding `make run`'s cases with all they carry: about 1 s alone, allowing for a busy two-core machine.
SEED_SECONDS_BUDGET = 10


@pytest.fixture
def make_run(db, settings, time_machine):
    """`seed_demo --cases 60` as `make run` does it, on a fixed day."""
    settings.DEBUG = True
    time_machine.move_to(DEMO_DAY, tick=False)
    started = time.monotonic()
    call_command("seed_demo", "--cases", str(MAKE_RUN_CASES), stdout=io.StringIO())
    return time.monotonic() - started


def test_make_run_is_seeded_within_its_time_budget(make_run):
    assert make_run < SEED_SECONDS_BUDGET


def test_make_run_has_referrals_in_several_states_each_from_the_advice_on_its_case(make_run):
    referrals = list(Referral.objects.select_related("case", "loket"))
    assert len(referrals) == round(MAKE_RUN_CASES * REFERRALS_PER_CASE)
    statuses = {referral.status for referral in referrals}
    assert {ReferralStatus.WAITING_FOR_CONSENT, ReferralStatus.DECLINED, ReferralStatus.DONE} <= statuses
    assert statuses & {ReferralStatus.REGISTERED, ReferralStatus.IN_PROGRESS}  # sent, no outcome yet
    for referral in referrals:
        if not referral.is_manual:
            advised = {(a.loket, a.rule) for a in advice_for_case(referral.case) if a.can_be_referred}
            assert (referral.loket.code, referral.rule_id) in advised, referral
        assert referral.reason and referral.made_at <= timezone.now()
        if referral.status == ReferralStatus.DECLINED:
            assert referral.decline_reason
        # An open case waits on its referrals; a referral of a closed case is not left waiting for consent.
        if referral.case.status == CaseStatus.CLOSED:
            assert referral.status != ReferralStatus.WAITING_FOR_CONSENT
    assert all(Referral.objects.filter(case=case).exists() for case in Case.objects.filter(status=CaseStatus.REFERRED))


def test_each_referral_was_made_and_moved_on_with_history_by_the_advisor(make_run):
    for referral in Referral.objects.all():
        made = referral.history.get(history_type="+")
        assert (made.history_user_id, made.history_date) == (referral.made_by_id, referral.made_at)
        assert made.status in (ReferralStatus.ADVISED, ReferralStatus.WAITING_FOR_CONSENT)
        latest = referral.history.latest()
        assert latest.status == referral.status and latest.history_date <= timezone.now()


def test_a_sent_referral_to_a_consultant_went_through_the_consent_gate_and_a_waiting_one_mostly_cannot(make_run):
    to_consultants = Referral.objects.filter(loket__sends_personal_data=True).select_related("case", "loket")
    sent = [r for r in to_consultants if r.status in (ReferralStatus.REGISTERED, ReferralStatus.IN_PROGRESS,
                                                     ReferralStatus.DONE)]  # fmt: skip
    waiting = [r for r in to_consultants if r.status == ReferralStatus.WAITING_FOR_CONSENT]
    assert sent and waiting
    for referral in sent:
        disclosure = package_last_sent(referral)
        assert disclosure is not None and disclosure.made_at >= referral.made_at
        consents = ConsentRecord.objects.filter(pk__in=disclosure.consent_ids)
        assert consents and all(c.given_at <= disclosure.made_at < c.valid_until for c in consents)
        assert set(disclosure.categories) <= {category for c in consents for category in c.categories}
    purpose = Purpose.objects.get(code=PACKAGE_PURPOSE)
    blocked = [r for r in waiting if not recipients_cleared(case=r.case, purpose=purpose,
                                                           recipient_codes={r.loket.code})]  # fmt: skip
    assert len(blocked) > len(waiting) / 2


def test_make_run_has_valid_expired_and_withdrawn_consents_given_by_a_caller_with_authority(make_run):
    consents = list(ConsentRecord.objects.select_related("purpose"))
    assert len(consents) == round(MAKE_RUN_CASES * CONSENTS_PER_CASE)
    now = timezone.now()
    withdrawn = [c for c in consents if c.withdrawn_at]
    expired = [c for c in consents if not c.withdrawn_at and c.valid_until <= now]
    valid = [c for c in consents if not c.withdrawn_at and c.valid_until > now]
    assert withdrawn and expired and valid
    for consent in consents:
        giver = Caller.objects.get(pk=consent.giver_id, case=consent.case_id)
        assert (consent.giver_name, consent.giver_authority) == (giver.name, giver.parental_authority)
        assert giver.parental_authority == YesNoUnknown.YES
        assert consent.purpose.is_for(consent.recipient_code)
        assert (consent.purpose_text, consent.purpose_version) == (consent.purpose.text, consent.purpose.version)
        assert consent.child_name == Child.objects.get(case=consent.case_id).first_name
        assert consent.given_at < consent.valid_until
        made = consent.history.get(history_type="+")
        assert (made.history_user_id, made.history_date, made.withdrawn_at) == (
            consent.recorded_by_id, consent.given_at, None
        )
    for consent in withdrawn:
        assert consent.given_at < consent.withdrawn_at <= now and consent.withdrawal_reason and consent.withdrawn_by
        assert consent.history.latest().withdrawn_at == consent.withdrawn_at


def test_make_run_has_new_and_handled_inbox_messages(make_run):
    messages = list(InboxMessage.objects.select_related("call", "case"))
    assert len(messages) == round(MAKE_RUN_CASES * INBOX_PER_CASE)
    handled = [m for m in messages if m.status == InboxMessage.Status.HANDLED]
    waiting = [m for m in messages if m.status != InboxMessage.Status.HANDLED]
    assert handled and waiting
    assert {m.channel for m in messages} == {InboxMessage.Channel.FORM, InboxMessage.Channel.VOICEMAIL}
    for message in handled:
        assert message.call.case == message.case and message.call.started_at == message.received_at
        assert message.phone in Caller.objects.filter(case=message.case).values_list("phone", flat=True)
        assert message.received_at <= message.picked_up_at <= message.handled_at <= timezone.now()
    for message in waiting:
        assert message.case is None and message.call is None and message.text
        assert timezone.now() - timedelta(days=7) < message.received_at <= timezone.now()
    assert all(m.escalate_at > m.received_at for m in messages)


def test_the_advisor_sees_the_inbox_and_the_team_lead_the_referral_and_consent_figures(
    make_run, advisor_client, team_lead_client
):
    inbox = advisor_client.get(reverse("inbox:inbox"))
    waiting = InboxMessage.objects.exclude(status=InboxMessage.Status.HANDLED)
    assert inbox.status_code == 200
    assert all(m.text[:30] in inbox.content.decode() for m in waiting)
    figures = dict((figure.key, count) for figure, count in team_lead_client.get(reverse("team_dashboard"))
                   .context["figures"])  # fmt: skip
    assert figures["referrals-waiting"] > 0
    referred = Referral.objects.filter(status=ReferralStatus.DECLINED).select_related("case").first()
    page = advisor_client.get(referred.case.get_absolute_url()).content.decode()
    assert referred.loket.name in page and "Afgewezen" in page


def test_the_same_cases_on_the_same_day_get_the_same_referrals_consents_and_messages(make_run):
    first = _demo_fingerprint()
    with writes_keeping_history_otherwise("the test clears the demo's rows to seed them again"):
        for model in (Disclosure, ConsentRecord, Referral, InboxMessage):
            model.history.all().delete()
            model.objects.all().delete()
    demo_referrals_seed(cases=MAKE_RUN_CASES)
    demo_consents_seed(cases=MAKE_RUN_CASES)
    demo_inbox_seed(cases=MAKE_RUN_CASES)
    assert _demo_fingerprint() == first


def _demo_fingerprint() -> dict:
    return {
        "referrals": sorted(Referral.objects.values_list("case__reference", "loket__code", "status", "made_at")),
        "consents": sorted(ConsentRecord.objects.values_list("case__reference", "purpose__code", "recipient_code",
                                                             "given_at", "valid_until", "withdrawn_at")),
        "disclosures": sorted(Disclosure.objects.values_list("case__reference", "recipient_code", "made_at")),
        "inbox": sorted(InboxMessage.objects.values_list("channel", "received_at", "phone", "status",
                                                         "case__reference")),
    }  # fmt: skip
