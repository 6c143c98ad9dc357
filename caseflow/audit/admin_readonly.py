from django.contrib.admin.views.main import SEARCH_VAR
from simple_history.admin import SimpleHistoryAdmin

from caseflow.accounts import roles
from caseflow.audit.access_log import access_record_cases, access_record_search
from caseflow.audit.admin_history import ReadableDeltaHelper
from caseflow.audit.models import AccessAction
from caseflow.audit.personal_data import personal_data
from caseflow.cases.models import Case


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """Shown with its history, never added, changed or deleted in the admin: these
    rows change only through the services (versions, gates, history with the user).

    The rows are a case's, so reading them is logged as on the case pages: a row's page and
    its history one access row for its case; a list one row per case on the page when it
    shows personal data or answers a search (what was searched for is not kept).
    """

    def has_view_permission(self, request, obj=None) -> bool:
        # By role: an administrator manages accounts and does not read cases.
        opts = self.opts
        return roles.may(request.user, f"{opts.app_label}.view_{opts.model_name}")

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableDeltaHelper(self.model, historical_record)  # values as a person reads them

    def has_module_permission(self, request) -> bool:
        return self.has_view_permission(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    # --- The access log ---

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if response.status_code == 200 and changelist is not None:
            case_ids = [self._case_id(row) for row in changelist.result_list]
            page = f"admin {self.opts.model_name} list"
            if request.GET.get(SEARCH_VAR, "").strip():
                access_record_search(request, case_ids, how=page)
            elif self._list_shows_personal_data():
                access_record_cases(request, AccessAction.VIEW, case_ids, what=page)
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return self._noted(request, object_id, "page", super().change_view(request, object_id, form_url, extra_context))

    def history_view(self, request, object_id, extra_context=None):
        return self._noted(request, object_id, "history", super().history_view(request, object_id, extra_context))

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        response = super().history_form_view(request, object_id, version_id, extra_context)
        return self._noted(request, object_id, "history", response)

    def _noted(self, request, object_id, page: str, response):
        if response.status_code == 200:
            case_ids = self.model._base_manager.filter(pk=object_id).values_list(self._case_column(), flat=True)
            access_record_cases(request, AccessAction.VIEW, case_ids, what=f"admin {self.opts.model_name} {page}")
        return response

    def _case_column(self) -> str:
        return "pk" if self.model is Case else "case_id"

    def _case_id(self, row) -> int:
        return getattr(row, self._case_column())

    def _list_shows_personal_data(self) -> bool:
        """Whether a column of the list is a field that anonymising blanks (caseflow/audit/personal_data.py)."""
        blanked = {name for entry in personal_data() if entry.model is self.model for name in entry.blank}
        return bool(blanked & set(self.list_display))
