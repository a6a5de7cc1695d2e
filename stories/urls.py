from django.urls import path

from . import views

app_name = "stories"

urlpatterns = [
    path("", views.story_list, name="list"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/images/", views.images, name="images"),
    path("<int:pk>/images/<int:image_pk>/delete/", views.image_delete, name="image_delete"),
    path("<int:pk>/approve/", views.approve, name="approve"),
]
