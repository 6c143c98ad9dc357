from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from caseflow.accounts.models import User
from caseflow.audit.admin_readonly import ReadOnlyHistoryAdmin
from caseflow.cases.models import Case, Topic


@admin.register(User)
class CaseflowUserAdmin(SimpleHistoryAdmin, UserAdmin):
    """Accounts, for administrators; every change keeps its history."""


@admin.register(Topic)
class TopicAdmin(SimpleHistoryAdmin):
    """The topics advisors tick on a call; team leads keep the list."""

    list_display = ["name", "code", "active", "position"]
    list_editable = ["active", "position"]
    search_fields = ["name", "code"]


@admin.register(Case)
class CaseAdmin(ReadOnlyHistoryAdmin):
    """Read-only: cases change through the case pages (services, versions, history).

    Also the baseline of `make bench`: the search a team would otherwise use.
    """

    list_display = ["reference", "status", "owner", "opened_at", "last_contact_at"]
    list_filter = ["status"]
    search_fields = ["reference", "callers__name", "callers__phone", "child__first_name"]
    list_select_related = ["owner"]
