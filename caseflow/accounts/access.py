"""One place that fetches a case for a view and checks the user may do this to it.

All advisors and team leads work on all cases (a repeat caller may reach any
advisor), so the check is the role's permission; refusals raise
PermissionDenied, which the 403 handler logs. A case fetched here is noted as
shown: if the view answers with its page, the access log gets one row for it
(caseflow.audit.access_log), so no page that shows a case can forget the log.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from caseflow.accounts import roles
from caseflow.audit.access_log import access_record
from caseflow.audit.models import AccessAction
from caseflow.callbacks.models import Callback
from caseflow.cases.models import Case

VIEW_CASE = "caseflow.view_case"
CHANGE_CASE = "caseflow.change_case"


def require_permission(request: HttpRequest, permission: str) -> None:
    if not roles.may(request.user, permission):
        raise PermissionDenied


def case_for(request: HttpRequest, reference: str, *, permission: str = VIEW_CASE) -> Case:
    require_permission(request, permission)
    case = get_object_or_404(Case.objects.select_related("owner"), reference=reference)
    access_record(request, AccessAction.VIEW, case=case)
    return case


VIEW_CALLBACK = "caseflow.view_callback"
ADD_CALLBACK = "caseflow.add_callback"
CHANGE_CALLBACK = "caseflow.change_callback"
LEAD_TEAM = "caseflow.lead_team"


def callback_for(request: HttpRequest, pk: int, *, permission: str = CHANGE_CALLBACK) -> Callback:
    require_permission(request, permission)
    callback = get_object_or_404(Callback.objects.select_related("case", "assigned_to"), pk=pk)
    access_record(request, AccessAction.VIEW, case=callback.case)
    return callback
