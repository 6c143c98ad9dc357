"""Every page's name as the access log says it ("bekeken: gegevens van het kind").

A view that notes a case without naming its page is logged under its URL name
(caseflow.audit.access_log.access_record), so each URL name of the project has a name here;
tests/caseflow/audit/test_history_texts.py fails for a page added without one. The
management site's pages are named after their model (caseflow.audit.access_log).
"""

from django.utils.translation import gettext_lazy as _

PAGE_NAMES = {
    # Signing in and the frame around every page
    "start": _("start page"),
    "login": _("sign-in"),
    "logout": _("sign-out"),
    "two_factor_setup": _("two-step sign-in setup"),
    "two_factor_verify": _("two-step sign-in"),
    "two_factor_backup_codes": _("backup codes"),
    "session_extend": _("session extended"),
    "set_language": _("language"),
    "healthz": _("health check"),
    "favicon": _("icon"),
    # The case and its call-backs
    "case_detail": _("case"),
    "case_edit": _("edit case"),
    "case_status": _("case status"),
    "case_close": _("close case"),
    "case_reopen": _("reopen case"),
    "callback_plan": _("plan a call-back"),
    "callbacks_today": _("today's call-backs"),
    "callbacks_overdue": _("overdue call-backs"),
    "callback_slots": _("call-back times"),
    "callback_finish": _("finish call-back"),
    "callback_reschedule": _("move call-back"),
    "notifications": _("notifications"),
    "notification_badge": _("number of notifications"),
    "notifications_read": _("notifications read"),
    "notification_open": _("notification"),
    "review_request": _("ask for a review"),
    "review_done": _("review done"),
    # The team lead's pages
    "team_dashboard": _("team dashboard"),
    "team_queue": _("team queue"),
    "team_callbacks": _("team call-backs"),
    "team_reviews": _("reviews"),
    "team_figures": _("figures"),
    "team_figures_csv": _("figures (CSV)"),
    "case_history": _("history"),
    "subject_access": _("subject access export"),
    "case_erase": _("erase case"),
    "retention_hold": _("keep case longer"),
    "retention_release": _("lift the hold"),
    "access_log": _("access log"),
    "retention_queue": _("retention"),
    # Intake
    "intake:call_new": _("call screen"),
    "intake:search": _("search"),
    "intake:draft_save": _("draft saved"),
    "intake:draft_discard": _("draft discarded"),
    "intake:my_cases": _("my cases"),
    "intake:all_cases": _("all cases"),
    "intake:call_add": _("log a call"),
    "intake:child_edit": _("child's details"),
    "intake:caller_add": _("add caller"),
    "intake:caller_edit": _("caller's details"),
    "inbox:contact": _("contact form"),
    "inbox:contact_sent": _("contact form sent"),
    "inbox:voicemail": _("voicemail"),
    "inbox:inbox": _("inbox"),
    "inbox:message_to_call": _("message made a call"),
    "inbox:pick_up": _("message picked up"),
    "inbox:put_back": _("message put back"),
    # Referrals and consent
    "referrals:advice_preview": _("advice"),
    "referrals:refer": _("refer"),
    "referrals:refer_manual": _("refer by hand"),
    "referrals:referral_status": _("referral status"),
    "referrals:send_package": _("referral package"),
    "consent:give": _("record consent"),
    "consent:overview": _("consent overview"),
    "consent:withdraw": _("withdraw consent"),
    "consent:notice_done": _("recipient informed"),
    "consent:panel_export": _("parent panel contact list"),
}

# The names views give their pages and exports themselves (access_record's `what`).
NAMED_PAGES = {
    "case": PAGE_NAMES["case_detail"],
    "history": PAGE_NAMES["case_history"],
    "subject-access": PAGE_NAMES["subject_access"],
    "subject-access.json": _("subject access export (JSON)"),
    "inbox": PAGE_NAMES["inbox:inbox"],
    "duplicate check": _("check for an existing case"),
    "consent overview for the parent": _("consent overview for the parent"),
    "ouderpanel contact list": PAGE_NAMES["consent:panel_export"],
}
