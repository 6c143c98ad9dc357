from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from caseflow.models import User


@admin.register(User)
class CaseflowUserAdmin(SimpleHistoryAdmin, UserAdmin):
    """Accounts, for administrators; every change keeps its history."""
