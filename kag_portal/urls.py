from __future__ import annotations

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from . import views

# The admin login goes through allauth's login, so it shares its rate limits.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "KAG Portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("language/", views.set_language, name="set_language"),
    path("sprache/", views.switch_language, name="switch_language"),
    path("me/", views.me, name="me"),
    path("me/export/", views.me_export, name="me_export"),
    path("me/delete/", views.me_delete, name="me_delete"),
    path("stories/", include("stories.urls")),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("barrierefreiheit/melden/", views.report_barrier, name="report_barrier"),
    path("companies/", include("companies.urls")),
    # The request board is part of companies (a request is a company's), under its own word.
    path("help-requests/", include("companies.urls_help_requests")),
    # The board was at /requests/ until issue 14; links in mails sent before keep working.
    re_path(
        r"^requests/(?P<rest>.*)$",
        RedirectView.as_view(url="/help-requests/%(rest)s", permanent=True, query_string=True),
        name="old_requests_board",
    ),
    path("staff/companies/", include("companies.urls_staff")),
    # Two apps share /events/ and /staff/events/ on purpose: a seat plan, a partners page and
    # the contact marks are pages of one event (/events/<id>/my-partners/), so people find them
    # under the event, while the code stays in matchmaking, which builds on events (never the
    # other way round). matchmaking's patterns come first; none of them overlaps one of events.
    path("events/", include("matchmaking.urls")),
    path("events/", include("events.urls")),
    path("staff/events/", include("matchmaking.urls_staff")),
    path("staff/events/", include("events.urls_staff")),
    path("staff/stories/", include("stories.urls_staff")),
    path("staff/impact/", include("impact.urls")),
    path("newsletter/", include("newsletter.urls")),
    path("staff/newsletter/", include("newsletter.urls_staff")),
    # Before allauth's own: the sign-up that knows about an invitation opened in this browser.
    path("accounts/signup/", views.signup, name="account_signup"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    # Last: the legal pages live at the top level (/impressum/, /datenschutz/, …).
    path("<slug:slug>/", views.site_page, name="site_page"),
]

if settings.SERVE_MEDIA:
    # Uploads (company logos, re-encoded by companies.services.logos, so no user bytes are served
    # as they came). WhiteNoise serves static files only; a proxy may take this over
    # (SERVE_MEDIA=false).
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", views.media, name="media"),
    ]
