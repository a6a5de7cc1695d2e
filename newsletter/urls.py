"""URLs under /newsletter/: the public archive and subscribing."""

from django.urls import path

from . import views

app_name = "newsletter"
urlpatterns = [
    path("", views.archive, name="archive"),
    path("subscribe/", views.subscribe, name="subscribe"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("me/", views.member_subscription, name="member_subscription"),
    path("<int:pk>/", views.issue, name="issue"),
]
