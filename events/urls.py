"""URLs under /events/: the public calendar, event pages and registration (views/public.py)."""

from django.urls import path

from .views import public

app_name = "events"
urlpatterns = [
    path("", public.event_list, name="list"),
]
