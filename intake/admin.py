from django.contrib import admin

from caseflow.audit.admin_readonly import ReadOnlyHistoryAdmin
from intake.models import InboxMessage


@admin.register(InboxMessage)
class InboxMessageAdmin(ReadOnlyHistoryAdmin):
    """Read-only: messages arrive by themselves and become calls in the inbox (intake.inbox).

    Also the baseline of the inbox page in `make bench`: the list a team would otherwise use.
    """

    list_display = ["received_at", "channel", "status", "name", "phone", "picked_up_by", "case"]
    list_filter = ["status", "channel"]
    search_fields = ["name", "phone", "email"]
    list_select_related = ["picked_up_by", "case"]
