"""URLs under /staff/events/: the KAG team plans and runs events (views/staff.py)."""

from django.urls import path  # noqa: F401 - the staff patterns are added here

app_name = "staff_events"
urlpatterns: list = []
