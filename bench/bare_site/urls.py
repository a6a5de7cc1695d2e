from django.urls import path

from . import views

urlpatterns = [
    path("template/", views.template_page, name="bare_template"),
    path("directory/", views.directory_page, name="bare_directory"),
]
