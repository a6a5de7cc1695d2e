"""URLs under /staff/events/: the KAG team plans and runs events (views/staff.py)."""

from django.urls import path

from .views import checkin as checkin_views
from .views import followups as followup_views
from .views import invitations, staff

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
    # Check-in at the door (views/checkin.py).
    path("<int:pk>/checkin/", checkin_views.checkin, name="checkin"),
    path("<int:pk>/checkin/code/", checkin_views.checkin_lookup, name="checkin_lookup"),
    path("<int:pk>/checkin/code/<str:code>/", checkin_views.checkin_code, name="checkin_code"),
    path("<int:pk>/checkin/walk-in/", checkin_views.checkin_walk_in, name="checkin_walk_in"),
    path("<int:pk>/checkin/<int:registration_pk>/in/", checkin_views.checkin_in, name="checkin_in"),
    path(
        "<int:pk>/checkin/<int:registration_pk>/undo/",
        checkin_views.checkin_undo,
        name="checkin_undo",
    ),
    path("<int:pk>/invitations/", invitations.staff_invitations, name="invitations"),
    path(
        "<int:pk>/invitations/progress/",
        invitations.staff_invitation_progress,
        name="invitation_progress",
    ),
]
