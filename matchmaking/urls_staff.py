"""URLs under /staff/events/ (included before events.urls_staff): the seat plan of an event."""

from django.urls import path

from .views import seating

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
]
