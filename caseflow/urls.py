from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, register_converter
from django.views.i18n import set_language

from caseflow import views
from caseflow.accounts import two_factor
from caseflow.accounts.security import second_factor_exempt
from caseflow.audit import views as privacy_views
from caseflow.callbacks import views as callback_views
from caseflow.cases import views as case_views
from caseflow.cases.converters import CaseReferenceConverter
from caseflow.team import views as team_views

register_converter(CaseReferenceConverter, "ref")

urlpatterns = [
    path("", views.start, name="start"),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=two_factor.SignInForm),
        name="login",
    ),
    path("logout/", second_factor_exempt(auth_views.LogoutView.as_view()), name="logout"),
    path("aanmelden/instellen/", two_factor.setup, name="two_factor_setup"),
    path("aanmelden/code/", two_factor.verify, name="two_factor_verify"),
    path("aanmelden/reservecodes/", two_factor.backup_codes, name="two_factor_backup_codes"),
    path("sessie/verlengen/", views.session_extend, name="session_extend"),
    # Choosing the language only sets a cookie, so it is open on the login page too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("zaken/<ref:reference>/", case_views.case_detail, name="case_detail"),
    path("zaken/<ref:reference>/bewerken/", case_views.case_edit, name="case_edit"),
    path("zaken/<ref:reference>/status/", case_views.case_status, name="case_status"),
    path("zaken/<ref:reference>/sluiten/", case_views.case_close, name="case_close"),
    path("zaken/<ref:reference>/heropenen/", case_views.case_reopen, name="case_reopen"),
    path("zaken/<ref:reference>/terugbellen/", callback_views.callback_plan, name="callback_plan"),
    path("terugbellen/", callback_views.callbacks_today, name="callbacks_today"),
    path("terugbellen/te-laat/", callback_views.callbacks_overdue, name="callbacks_overdue"),
    path("terugbellen/momenten/", callback_views.callback_slots, name="callback_slots"),
    path("terugbellen/<int:pk>/afronden/", callback_views.callback_finish, name="callback_finish"),
    path("terugbellen/<int:pk>/verzetten/", callback_views.callback_reschedule, name="callback_reschedule"),
    path("meldingen/", callback_views.notifications, name="notifications"),
    path("meldingen/teller/", callback_views.notification_badge, name="notification_badge"),
    path("meldingen/gelezen/", callback_views.notifications_read, name="notifications_read"),
    path("meldingen/<int:pk>/", callback_views.notification_open, name="notification_open"),
    path("zaken/<ref:reference>/review/", team_views.review_request, name="review_request"),
    path("zaken/<ref:reference>/review/klaar/", team_views.review_done, name="review_done"),
    path("teamleider/", team_views.dashboard, name="team_dashboard"),
    path("teamleider/zaken/", team_views.queue, name="team_queue"),
    path("teamleider/terugbellen/", team_views.callback_list, name="team_callbacks"),
    path("teamleider/review/", team_views.reviews, name="team_reviews"),
    path("teamleider/cijfers/", team_views.figures, name="team_figures"),
    path("teamleider/cijfers/<slug:key>.csv", team_views.figures_csv, name="team_figures_csv"),
    path("zaken/<ref:reference>/geschiedenis/", privacy_views.case_history, name="case_history"),
    path("zaken/<ref:reference>/inzage/", privacy_views.subject_access, name="subject_access"),
    path("zaken/<ref:reference>/wissen/", privacy_views.case_erase, name="case_erase"),
    path("zaken/<ref:reference>/bewaren/", privacy_views.retention_hold, name="retention_hold"),
    path("zaken/<ref:reference>/bewaren/opheffen/", privacy_views.retention_release, name="retention_release"),
    path("teamleider/inzagelog/", privacy_views.access_log, name="access_log"),
    path("teamleider/bewaartermijn/", privacy_views.retention_queue, name="retention_queue"),
    # The apps that feed the case: caseflow's only knowledge of them.
    path("", include("intake.urls")),
    path("", include("intake.inbox.urls")),
    path("", include("referrals.urls")),
    path("", include("consent.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "caseflow.views.permission_denied"
