from django.urls import path

from . import views_staff

app_name = "staff_stories"

urlpatterns = [
    path("", views_staff.story_list, name="list"),
    path("new/", views_staff.create, name="create"),
    path("cooperations/", views_staff.cooperation_list, name="cooperations"),
    path("cooperations/new/", views_staff.cooperation_create, name="cooperation_create"),
    path("<int:pk>/", views_staff.detail, name="detail"),
    path("<int:pk>/submit/", views_staff.submit, name="submit"),
    path("<int:pk>/publish/", views_staff.publish, name="publish"),
    path("<int:pk>/unpublish/", views_staff.unpublish, name="unpublish"),
]
