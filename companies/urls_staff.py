"""URLs under /staff/companies/: review queue, tags, import and export (views/staff.py)."""

from django.urls import path

from .views import staff

app_name = "staff_companies"
urlpatterns = [
    path("", staff.review_queue, name="review_queue"),
    path("<int:pk>/", staff.company_detail, name="company_detail"),
    path("<int:pk>/approve/", staff.approve, name="approve"),
    path("<int:pk>/reject/", staff.reject, name="reject"),
    path("<int:pk>/hide/", staff.hide, name="hide"),
    path("<int:pk>/unhide/", staff.unhide, name="unhide"),
    path("tags/", staff.tag_list, name="tag_list"),
    path("tags/merge/", staff.tag_merge, name="tag_merge"),
    path("tags/<int:pk>/rename/", staff.tag_rename, name="tag_rename"),
    path("import/", staff.import_upload, name="import_upload"),
    path("import/preview/", staff.import_preview, name="import_preview"),
    path("import/commit/", staff.import_commit, name="import_commit"),
    path("import/vorlage.csv", staff.import_template, name="import_template"),
    path("export.csv", staff.export_csv, name="export"),
]
