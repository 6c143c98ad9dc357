"""The admin site class, apart from caseflow/admin.py so that registering models
(which touches the site) cannot import the site's own module half-way."""

from functools import update_wrapper

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from caseflow.accounts import roles


class CaseflowAdminSite(admin.AdminSite):
    site_header = _("Caseflow management")
    site_title = _("Caseflow management")
    index_title = _("Directory and accounts")

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return roles.is_team_lead(user) or roles.is_administrator(user)

    def admin_view(self, view, cacheable=False):
        protected = super().admin_view(view, cacheable)

        # A signed-in user without the role is refused outright (403, logged),
        # instead of being sent to a login form they cannot use.
        def refuse_users_without_the_role(request: HttpRequest, *args, **kwargs):
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied
            return protected(request, *args, **kwargs)

        return update_wrapper(refuse_users_without_the_role, protected)

    @login_not_required
    def login(self, request: HttpRequest, extra_context=None):
        # One sign-in page for the whole application.
        if self.has_permission(request):
            return HttpResponseRedirect(reverse("admin:index", current_app=self.name))
        if request.user.is_authenticated:
            raise PermissionDenied
        return redirect_to_login(request.GET.get("next", reverse("admin:index")))
