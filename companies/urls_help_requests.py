"""URLs under /help-requests/: the requests board (views/help_requests.py)."""

from django.urls import path

from .views import help_requests

app_name = "help_requests"
urlpatterns = [
    path("", help_requests.help_request_list, name="list"),
    path("new/", help_requests.create, name="create"),
    path("digest/subscribe/", help_requests.digest_subscribe, name="digest_subscribe"),
    path("digest/unsubscribe/", help_requests.digest_unsubscribe, name="digest_unsubscribe"),
    path("<int:pk>/", help_requests.detail, name="detail"),
    path("<int:pk>/answer/", help_requests.answer, name="answer"),
    path("<int:pk>/close/", help_requests.close, name="close"),
    path("<int:pk>/confirm/", help_requests.confirm_cooperation, name="confirm_cooperation"),
    path("<int:pk>/edit/", help_requests.edit, name="edit"),
    path("<int:pk>/delete/", help_requests.delete, name="delete"),
]
