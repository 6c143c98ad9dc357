"""What the inbox tells caseflow when the intake starts: its personal data and retention, and the
page its notifications open."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from caseflow.models import NotificationKind
    from caseflow.notifications import register_notification_page
    from caseflow.privacy import PersonalData, register_personal_data, register_retention_sweep
    from intake.inbox import ratelimit, tasks  # noqa: F401  (tasks: the worker learns the beat's task)
    from intake.models import InboxMessage

    # A message that became a call follows its case: anonymised with it. Kept: the provider's code.
    register_personal_data(
        PersonalData(
            InboxMessage, "case",
            {"name": "", "phone": "", "email": "", "child_first_name": "", "question": "", "caller_number": "",
             "recording_ref": "", "transcript": ""},
            _("Inbox messages"), kept=("provider",),
        )
    )  # fmt: skip
    register_retention_sweep("intake.inbox_without_case", _messages_without_case_delete)
    register_retention_sweep("intake.contact_form_counters", ratelimit.contact_form_counters_delete)
    register_notification_page(NotificationKind.INBOX_WAITING, "inbox:inbox")


def _messages_without_case_delete(now: datetime) -> int:
    """A message that never became a case is erased, with its history, once the retention period of a
    closed case has passed since it came in: it has no case to be anonymised with."""
    from caseflow.privacy import retention_cutoff
    from intake.models import InboxMessage

    expired = InboxMessage.objects.filter(case=None, received_at__lt=retention_cutoff(now))
    ids = list(expired.values_list("pk", flat=True))
    if not ids:
        return 0
    InboxMessage.objects.filter(pk__in=ids).delete()
    # Deleting wrote one more history row per message, a copy of it: every history row goes too.
    InboxMessage.history.filter(id__in=ids).delete()
    return len(ids)
