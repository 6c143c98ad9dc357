"""What the inbox tells caseflow when the intake starts: its personal data and retention, and the
page its notifications open."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext_lazy as _

# What a message holds of a person, and what it becomes when it is anonymised.
PERSONAL_FIELDS = {
    "name": "", "phone": "", "email": "", "child_first_name": "", "question": "", "caller_number": "",
    "recording_ref": "", "transcript": "",
}  # fmt: skip


def register() -> None:
    from caseflow.audit.personal_data import (
        PersonalData,
        register_anonymise_hook,
        register_personal_data,
        register_retention_sweep,
    )
    from caseflow.notifications.models import NotificationKind
    from caseflow.notifications.services import register_notification_page
    from intake.inbox import ratelimit, tasks  # noqa: F401  (tasks: the worker learns the beat's task)
    from intake.models import InboxMessage

    # A message that became a call follows its case: anonymised with it. Kept: the provider's code.
    register_personal_data(
        PersonalData(InboxMessage, "case", PERSONAL_FIELDS, _("Inbox messages"), kept=("provider",),
                     named=_message_named)
    )  # fmt: skip
    register_anonymise_hook("intake.inbox_history_before_the_case", _history_before_the_case_blank)
    register_retention_sweep("intake.inbox_without_case", _messages_without_case_delete)
    register_retention_sweep("intake.contact_form_counters", ratelimit.contact_form_counters_delete)
    register_notification_page(NotificationKind.INBOX_WAITING, "inbox:inbox")


def _message_named(message) -> str:
    """How the case's history names a message: "inboxbericht: Voicemail, do 3 dec 2026 10:15"."""
    from caseflow.lib.dates import moment_text

    return _("inbox message: %(channel)s, %(moment)s") % {
        "channel": message.get_channel_display(), "moment": moment_text(message.received_at),
    }  # fmt: skip


def _history_before_the_case_blank(case) -> None:
    """The history rows a message wrote before it became a call on the case (arriving, picked up,
    escalated) have no case: the registry's anonymising, which finds rows by their case, misses them."""
    from caseflow.lib.history import writes_keeping_history_otherwise
    from intake.models import InboxMessage

    on_the_case = InboxMessage.objects.filter(case=case).values("pk")
    with writes_keeping_history_otherwise("anonymisation rewrites the history rows as well"):
        InboxMessage.history.filter(id__in=on_the_case).update(**PERSONAL_FIELDS)


def _messages_without_case_delete(now: datetime) -> int:
    """A message that never became a case is erased, with its history, once the retention period of a
    closed case has passed since it came in: it has no case to be anonymised with."""
    from caseflow.audit.retention import retention_cutoff
    from intake.models import InboxMessage

    expired = InboxMessage.objects.filter(case=None, received_at__lt=retention_cutoff(now))
    ids = list(expired.values_list("pk", flat=True))
    if not ids:
        return 0
    InboxMessage.objects.filter(pk__in=ids).delete()
    # Deleting wrote one more history row per message, a copy of it: every history row goes too.
    InboxMessage.history.filter(id__in=ids).delete()
    return len(ids)
