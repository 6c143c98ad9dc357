from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, register_converter
from django.views.i18n import set_language

from caseflow import case_views, views
from caseflow.converters import CaseReferenceConverter

register_converter(CaseReferenceConverter, "ref")

urlpatterns = [
    path("", views.start, name="start"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Choosing the language only sets a cookie, so it is open on the login page too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("healthz", views.healthz, name="healthz"),
    path("zaken/<ref:reference>/", case_views.case_detail, name="case_detail"),
    path("zaken/<ref:reference>/bewerken/", case_views.case_edit, name="case_edit"),
    path("zaken/<ref:reference>/status/", case_views.case_status, name="case_status"),
    path("zaken/<ref:reference>/sluiten/", case_views.case_close, name="case_close"),
    path("zaken/<ref:reference>/heropenen/", case_views.case_reopen, name="case_reopen"),
    # The apps that feed the case: caseflow's only knowledge of them.
    path("", include("intake.urls")),
    path("", include("referrals.urls")),
    path("", include("consent.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "caseflow.views.permission_denied"
