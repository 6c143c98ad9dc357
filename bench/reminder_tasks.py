"""The baseline of the reminder benchmark: the naive design issue 6 argues against,
one Celery task per call-back. Imported by the bench's worker only (--include).

It does the same work per call-back as callbacks_remind_batch (the notification
with the same unique key, the status, the history row on behalf of the planner),
one row, one transaction and one broker message at a time.
"""

from __future__ import annotations

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from caseflow.callbacks.models import Callback, CallbackStatus
from caseflow.notifications.models import Notification, NotificationKind
from caseflow.notifications.services import team_leads


@shared_task
def remind_one(callback_id: int) -> bool:
    with transaction.atomic():
        callback = (
            Callback.objects.select_for_update(of=("self",))
            .select_related("assigned_to", "case", "planned_by")
            .filter(pk=callback_id, status=CallbackStatus.PLANNED)
            .first()
        )
        if callback is None:
            return False  # reminded already (a redelivered message), moved or finished
        now = timezone.now()
        key = f"callback:{callback.pk}:reminder:{callback.due_at:%Y%m%dT%H%M}"
        for user in [callback.assigned_to] if callback.assigned_to else team_leads():
            Notification.objects.get_or_create(
                recipient=user, key=key,
                defaults={"kind": NotificationKind.REMINDER, "case": callback.case, "callback": callback,
                          "created_at": now},
            )  # fmt: skip
        callback.status, callback.reminded_at = CallbackStatus.REMINDED, now
        callback._change_reason = f"system: reminder sent, on behalf of {callback.planned_by.username}"
        callback.save(update_fields=["status", "reminded_at"])
    return True
