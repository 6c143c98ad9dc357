from django.urls import path

from intake.inbox import public_views, views

app_name = "inbox"

urlpatterns = [
    # Open to everyone (public_views): the parents' contact form and the provider's voicemail webhook.
    path("contact/", public_views.contact_form, name="contact"),
    path("contact/verzonden/", public_views.contact_sent, name="contact_sent"),
    path("api/voicemail/<slug:provider>/", public_views.voicemail, name="voicemail"),
    # The advisors' inbox.
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/verwerken/", views.message_to_call, name="message_to_call"),
    path("inbox/<int:pk>/oppakken/", views.pick_up, name="pick_up"),
    path("inbox/<int:pk>/teruglegen/", views.put_back, name="put_back"),
]
