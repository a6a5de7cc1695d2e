"""URLs under /staff/impact/: the dashboard, the lists behind it and the funder report."""

from django.urls import path

from . import views

app_name = "impact"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("report/", views.report, name="report"),
    path("report.csv", views.report_csv, name="report_csv"),
    path("<slug:figure>/", views.figure_list, name="figure_list"),
]
