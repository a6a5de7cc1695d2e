"""URLs under /staff/companies/: review queue, tags, import and export (views/staff.py)."""

from django.urls import path  # noqa: F401 - the staff patterns are added here

app_name = "staff_companies"
urlpatterns: list = []
