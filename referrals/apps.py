import functools

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# How the access log codes a referral package sent or printed (views.py), and says it in words.
PACKAGE_PAGE = r"referral package (?P<loket>[\w-]+)"


def _package_page_words(found) -> str:
    return gettext("referral package %(loket)s") % {"loket": found["loket"]}


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Referrals")

    def ready(self) -> None:
        from caseflow.audit.access_log import register_page_words
        from caseflow.cases.panels import CasePanel, register_case_panel
        from caseflow.demo import register_demo_seeder
        from consent.recipients import register_recipients
        from consent.signals import consent_withdrawn
        from referrals import team
        from referrals.demo import demo_referrals_seed
        from referrals.directory import load_after_migrate

        # After every migrate (and after the test runner's flush, which would
        # otherwise leave the directory empty) the missing organisations are added.
        post_migrate.connect(load_after_migrate, sender=self, dispatch_uid="referrals.load_directory")
        team.register()
        _register_personal_data()
        consent_withdrawn.connect(_stop_waiting_referrals, dispatch_uid="referrals.stop_waiting")
        register_recipients("lokets", _lokets)
        register_page_words(PACKAGE_PAGE, _package_page_words)
        # After the cases (intake, 10), before the other consents (consent, 40): it makes the
        # consents its referrals to the onderwijsconsulenten needed.
        register_demo_seeder("referrals", lambda count: f"{demo_referrals_seed(cases=count)} referrals", order=30)
        from referrals.views import advice_panel_context

        register_case_panel(
            CasePanel("referrals.advice", "main", 5, "referrals/panels/advice.html", advice_panel_context)
        )
        register_case_panel(
            CasePanel("referrals.preview", "call_form", 10, "referrals/panels/preview.html", lambda request, case: {})
        )


def _lokets() -> list[tuple[str, str]]:
    from referrals.models import Loket

    return list(Loket.objects.filter(active=True, direct_referral=True).values_list("code", "name"))


def _stop_waiting_referrals(sender, record, by, **kwargs) -> None:
    from django.utils.translation import gettext as _

    from referrals.services import referrals_stop_waiting

    reason = _("Consent withdrawn: %(reason)s") % {"reason": record.withdrawal_reason}
    referrals_stop_waiting(record=record, by=by, reason=reason)


def _register_personal_data() -> None:
    from caseflow.audit.personal_data import PersonalData, register_personal_data
    from referrals.models import Referral

    # The rule id and version stay for the statistics; the reasons may be the advisor's own words.
    # A declined referral must keep some reason (constraint referral_declined_has_reason): a dash.
    register_personal_data(
        PersonalData(Referral, "case", {"reason": "", "notes": "", "decline_reason": "—"}, _("Referrals"),
                     kept=("rule_id", "rule_version"),
                     # The case's history reads it with its loket, a referral without advice as one of
                     # the advisor's own judgement, a rule by its id (caseflow.audit.timeline).
                     named=lambda referral: _("referral to %(loket)s") % {"loket": referral.loket.name},
                     labels={"rule_id": _rule_labels})
    )  # fmt: skip


@functools.cache
def _shipped_loket_names() -> dict[str, str]:
    import json

    from referrals.directory import DATA_FILE

    return {row["code"]: row["name"] for row in json.loads(DATA_FILE.read_text(encoding="utf-8"))["loketten"]}


def _rule_labels() -> dict[str, str]:
    """A rule in the case's history by what it advises ("advies voor RegelRecht"), never its code.

    The names come from the shipped directory file, not the database, so the history reads no
    more rows for them; an organisation a team lead renamed still reads as it was shipped.
    """
    from referrals.models import MANUAL
    from referrals.rules import RULES

    names = _shipped_loket_names()
    labels = {rule.id: _("advice for %(loket)s") % {"loket": names.get(rule.loket, rule.loket)} for rule in RULES}
    return {**labels, MANUAL: _("own judgement")}
