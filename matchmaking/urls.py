"""URLs under /events/ (included before events.urls): an attendee's seat plan."""

from django.urls import path

from .views import contact_marks, live, offline, partners, wishes

app_name = "matchmaking"
urlpatterns = [
    path("<int:pk>/my-partners/", partners.my_partners, name="my_partners"),
    # The schedule offline (views/offline.py): the service worker, served here for its scope
    # /events/, and the installed page's start, which leads to the schedule of the day.
    path("my-partners-worker.js", offline.my_partners_worker, name="my_partners_worker"),
    path("my-partners/", offline.my_partners_today, name="my_partners_today"),
    path("<int:pk>/my-partners/rounds/", partners.my_partners_fragment, name="my_partners_rounds"),
    # The projector's big screen: no login, the plan's secret token (views/live.py).
    path("<int:pk>/screen/<str:token>/", live.screen, name="screen"),
    path("<int:pk>/screen/<str:token>/state/", live.screen_state, name="screen_state"),
    # After the evening: whom to stay in touch with (views/contact_marks.py).
    path("<int:pk>/follow-ups/", contact_marks.contact_marks, name="contact_marks"),
    # Before the plan is made: whom the attendee would like to meet (views/wishes.py).
    path("registrations/<int:pk>/wishes/", wishes.wishes, name="wishes"),
    path("registrations/<int:pk>/wishes/choices/", wishes.wish_choices, name="wish_choices"),
]
