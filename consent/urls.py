from django.urls import path

from consent import views

app_name = "consent"

urlpatterns = [
    path("zaken/<ref:reference>/toestemming/", views.consent_give, name="give"),
    path("zaken/<ref:reference>/toestemming/overzicht/", views.parent_overview, name="overview"),
    path("zaken/<ref:reference>/toestemming/<int:record_id>/intrekken/", views.consent_withdraw, name="withdraw"),
    path("zaken/<ref:reference>/ontvanger-informeren/<int:notice_id>/", views.notice_done, name="notice_done"),
    path("teamleider/ouderpanel/", views.panel_export, name="panel_export"),
]
