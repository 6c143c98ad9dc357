from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from caseflow.audit.admin_readonly import ReadOnlyHistoryAdmin
from referrals.models import Loket, Referral, RuleParameter


@admin.register(Loket)
class LoketAdmin(SimpleHistoryAdmin):
    """The directory: team leads keep it current; every change keeps its history."""

    list_display = ["name", "code", "direct_referral", "sends_personal_data", "active"]
    # Web addresses typed without a scheme are the organisations' https sites.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_delete_permission(self, request, obj=None) -> bool:
        # Referrals keep pointing at an organisation; one that stops is set out of use.
        return False
    list_filter = ["direct_referral", "sends_personal_data", "active"]
    search_fields = ["name", "code", "what_they_do"]


@admin.register(RuleParameter)
class RuleParameterAdmin(SimpleHistoryAdmin):
    """The numbers in the referral rules; a change applies to the next advice given."""

    list_display = ["key", "value", "meaning"]
    readonly_fields = ["key"]

    def has_add_permission(self, request) -> bool:
        # The rules read known keys only; a new key would do nothing.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Referral)
class ReferralAdmin(ReadOnlyHistoryAdmin):
    """Read-only: referrals change on the case page, through the services."""

    list_display = ["case", "loket", "status", "rule_id", "made_by", "made_at"]
    list_filter = ["status", "loket"]
    list_select_related = ["case", "loket", "made_by"]
