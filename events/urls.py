"""URLs under /events/: the public calendar, event pages and registration (views/public.py)."""

from django.urls import path

from .views import calendar, company_run, invitations, public
from .views import followups as followup_views

app_name = "events"
urlpatterns = [
    path("", public.event_list, name="list"),
    path("<int:pk>/", public.event_detail, name="detail"),
    path("registrations/<int:pk>/", public.registration_detail, name="registration"),
    path("registrations/<int:pk>/cancel/", public.registration_cancel, name="cancel"),
    path("decline/<str:token>/", public.decline, name="decline"),
    path("registrations/<int:pk>/feedback/", followup_views.feedback, name="feedback"),
    path("registrations/<int:pk>/cooperation/", followup_views.cooperation, name="cooperation"),
    path(
        "cooperations/<int:pk>/confirm/",
        followup_views.cooperation_confirm,
        name="cooperation_confirm",
    ),
    path("invitation/<str:token>/", invitations.invitation_link, name="invitation"),
    # Calendar files (views/calendar.py); a personal feed is opened by its secret token.
    path("<int:pk>/event.ics", calendar.event_ics, name="ics"),
    path("feed.ics", calendar.public_feed, name="public_feed"),
    path("feed/renew/", calendar.renew_feed, name="renew_feed"),
    path("feed/<slug:token>.ics", calendar.personal_feed, name="personal_feed"),
    # The company run: several runners of one company in one form (views/company_run.py).
    path("<int:pk>/team/", company_run.team, name="team"),
]
