"""URLs under /staff/events/: the KAG team plans and runs events (views/staff.py)."""

from django.urls import path

from .views import invitations, staff
from .views import followups as followup_views

app_name = "staff_events"
urlpatterns = [
    path("", staff.event_list, name="list"),
    path("new/", staff.event_create, name="create"),
    path("retention/", followup_views.retention_settings, name="retention"),
    path("<int:pk>/", staff.event_edit, name="edit"),
    path("<int:pk>/duplicate/", staff.event_duplicate, name="duplicate"),
    path("<int:pk>/publish/", staff.event_publish, name="publish"),
    path("<int:pk>/cancel/", staff.event_cancel, name="cancel"),
    path("<int:pk>/registrations/", staff.registrations, name="registrations"),
    path("<int:pk>/registrations.csv", staff.registrations_csv, name="registrations_csv"),
    path("<int:pk>/print/", staff.print_list, name="print"),
    path("<int:pk>/invitations/", invitations.staff_invitations, name="invitations"),
]
