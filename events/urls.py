"""URLs under /events/: the public calendar, event pages and registration (views/public.py)."""

from django.urls import path

from .views import invitations, public

app_name = "events"
urlpatterns = [
    path("", public.event_list, name="list"),
    path("<int:pk>/", public.event_detail, name="detail"),
    path("registrations/<int:pk>/", public.registration_detail, name="registration"),
    path("registrations/<int:pk>/cancel/", public.registration_cancel, name="cancel"),
    path("decline/<str:token>/", public.decline, name="decline"),
    path("invitation/<str:token>/", invitations.invitation_link, name="invitation"),
]
