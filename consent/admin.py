from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from caseflow.audit.admin_readonly import ReadOnlyHistoryAdmin
from consent.models import ConsentRecord, Disclosure, Purpose


@admin.register(Purpose)
class PurposeAdmin(SimpleHistoryAdmin):
    """Team leads keep the texts; each change raises the version new consents record."""

    list_display = ["name", "code", "version", "active"]
    readonly_fields = ["version"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ConsentRecord)
class ConsentRecordAdmin(ReadOnlyHistoryAdmin):
    list_display = ["case", "purpose", "recipient_name", "giver_name", "given_at", "valid_until", "withdrawn_at"]
    list_select_related = ["case", "purpose"]


@admin.register(Disclosure)
class DisclosureAdmin(ReadOnlyHistoryAdmin):
    list_display = ["case", "recipient_code", "allowed", "made_by", "made_at"]
    list_filter = ["allowed"]
    list_select_related = ["case", "made_by"]
