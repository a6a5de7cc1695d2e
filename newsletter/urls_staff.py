"""URLs under /staff/newsletter/: staff write, preview and send issues."""

from django.urls import path

from . import views

app_name = "staff_newsletter"
urlpatterns = [
    path("", views.staff_list, name="list"),
    path("new/", views.staff_edit, name="create"),
    path("<int:pk>/", views.staff_edit, name="edit"),
    path("<int:pk>/send/", views.staff_send, name="send"),
]
