from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from consent.models import ConsentRecord, Disclosure, Purpose


@admin.register(Purpose)
class PurposeAdmin(SimpleHistoryAdmin):
    """Team leads keep the texts; each change raises the version new consents record."""

    list_display = ["name", "code", "version", "active"]
    readonly_fields = ["version"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyAdmin(SimpleHistoryAdmin):
    """Consents and disclosures are shown, never added, changed or deleted here."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ConsentRecord)
class ConsentRecordAdmin(ReadOnlyAdmin):
    list_display = ["case", "purpose", "recipient_name", "giver_name", "given_at", "valid_until", "withdrawn_at"]
    list_select_related = ["case", "purpose"]


@admin.register(Disclosure)
class DisclosureAdmin(ReadOnlyAdmin):
    list_display = ["case", "recipient_code", "allowed", "made_by", "made_at"]
    list_filter = ["allowed"]
    list_select_related = ["case", "made_by"]
