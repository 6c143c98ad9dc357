from django.urls import path

from intake import views

app_name = "intake"

urlpatterns = [
    path("gesprek/", views.call_new, name="call_new"),
    path("zoeken/", views.search, name="search"),
    path("concept/", views.draft_save, name="draft_save"),
    path("concept/weggooien/", views.draft_discard, name="draft_discard"),
    path("zaken/mijn/", views.my_cases, name="my_cases"),
    path("zaken/", views.all_cases, name="all_cases"),
    path("zaken/<ref:reference>/gesprek/", views.call_add, name="call_add"),
    path("zaken/<ref:reference>/kind/", views.child_edit, name="child_edit"),
    path("zaken/<ref:reference>/beller/nieuw/", views.caller_add, name="caller_add"),
    path("zaken/<ref:reference>/beller/<int:caller_id>/", views.caller_edit, name="caller_edit"),
]
