"""URLs under /requests/: the requests board (views/requests.py)."""

from django.urls import path

from .views import requests

app_name = "requests"
urlpatterns = [
    path("", requests.board_list, name="list"),
    path("new/", requests.create, name="create"),
    path("digest/subscribe/", requests.digest_subscribe, name="digest_subscribe"),
    path("digest/unsubscribe/", requests.digest_unsubscribe, name="digest_unsubscribe"),
    path("<int:pk>/", requests.detail, name="detail"),
    path("<int:pk>/answer/", requests.answer, name="answer"),
    path("<int:pk>/close/", requests.close, name="close"),
    path("<int:pk>/confirm/", requests.confirm_cooperation, name="confirm_cooperation"),
    path("<int:pk>/edit/", requests.edit, name="edit"),
    path("<int:pk>/delete/", requests.delete, name="delete"),
]
