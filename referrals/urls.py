from django.urls import path

from referrals import views

app_name = "referrals"

urlpatterns = [
    path("advies/", views.advice_preview, name="advice_preview"),
    path("zaken/<ref:reference>/verwijzen/", views.refer, name="refer"),
    path("zaken/<ref:reference>/verwijzen/eigen/", views.refer_manual, name="refer_manual"),
    path("zaken/<ref:reference>/verwijzingen/<int:referral_id>/", views.referral_status, name="referral_status"),
    path("zaken/<ref:reference>/verwijzingen/<int:referral_id>/pakket/", views.send_package, name="send_package"),
]
