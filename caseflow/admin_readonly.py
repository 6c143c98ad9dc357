from simple_history.admin import SimpleHistoryAdmin

from caseflow import roles


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """Shown with its history, never added, changed or deleted in the admin: these
    rows change only through the services (versions, gates, history with the user)."""

    def has_view_permission(self, request, obj=None) -> bool:
        # By role: an administrator manages accounts and does not read cases.
        opts = self.opts
        return roles.may(request.user, f"{opts.app_label}.view_{opts.model_name}")

    def has_module_permission(self, request) -> bool:
        return self.has_view_permission(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
