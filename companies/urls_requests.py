"""URLs under /requests/: the requests board (views/requests.py)."""

from django.urls import path  # noqa: F401 - the board's patterns are added here

app_name = "requests"
urlpatterns: list = []
