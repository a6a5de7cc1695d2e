"""URLs under /staff/events/ (included before events.urls_staff): the seat plan of an event."""

from django.urls import path

from .views import live, seating

app_name = "staff_matchmaking"
urlpatterns = [
    path("<int:pk>/seating/", seating.seating_page, name="seating"),
    path("<int:pk>/seating/generate/", seating.generate, name="generate"),
    path("<int:pk>/seating/swap/", seating.swap, name="swap"),
    path("<int:pk>/seating/replan/", seating.replan, name="replan"),
    path("<int:pk>/seating/round/", seating.current_round, name="current_round"),
    path("<int:pk>/seating/publish/", seating.publish, name="publish"),
    path("<int:pk>/seating/unpublish/", seating.unpublish, name="unpublish"),
    path("<int:pk>/seating/print/tables/", seating.print_tables, name="print_tables"),
    path("<int:pk>/seating/print/wall/", seating.print_wall, name="print_wall"),
    path("<int:pk>/seating/print/slips/", seating.print_slips, name="print_slips"),
    # The run of show on the evening, from a staff phone (views/live.py).
    path("<int:pk>/live/", live.live_page, name="live"),
    path("<int:pk>/live/start/", live.start_round, name="live_start"),
    path("<int:pk>/live/end/", live.end_round, name="live_end"),
    path("<int:pk>/live/replan/", live.replan, name="live_replan"),
    path("<int:pk>/live/leave/", live.leave, name="live_leave"),
    path("<int:pk>/live/screen-link/", live.renew_screen, name="live_screen_link"),
]
