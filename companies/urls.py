"""URLs under /companies/. Each area's views live in their own module of companies/views/."""

from django.urls import path

from .views import directory

app_name = "companies"
urlpatterns = [
    # Directory, company pages, "Wer kann helfen?" (views/directory.py)
    path("", directory.directory, name="directory"),
    # Profiles, wizard, members, invitations, logo (views/profile.py) – added by that area
    # Requests board lives under /requests/ (companies/urls_requests.py)
    # Must stay last: /companies/<slug>/
]
