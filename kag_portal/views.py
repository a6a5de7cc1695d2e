from __future__ import annotations

import json
import logging
import time

from allauth.account import views as allauth_views
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.db import connection, transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from django.views.static import serve

from . import mail, me_sections, onboarding, personal_data
from .forms import BarrierReportForm, DeleteAccountForm, ProfileForm
from .models import MailTopic, SitePage
from .page_cache import cache_anonymous_page

logger = logging.getLogger(__name__)


# The home page shows the coming events (events/templatetags/event_home.py), the network's
# figures (impact/templatetags/impact_home.py) and the newest story
# (stories/templatetags/story_tags.py): template tags of the higher apps, so this view imports
# none of them. Their writes bump these scopes.
@cache_anonymous_page(["events", "impact", "stories"])
def home(request):
    return render(request, "home.html")


def site_page(request, slug: str):
    page = get_object_or_404(SitePage, slug=slug)
    language = translation.get_language() or settings.LANGUAGE_CODE
    context = {
        "page": page,
        "title": page.title_for(language),
        "body": page.body_for(language),
    }
    if slug == SitePage.Slug.ACCESSIBILITY:
        context["report_form"] = BarrierReportForm()
    return render(request, "pages/site_page.html", context)


@require_http_methods(["GET", "POST"])
def report_barrier(request):
    if request.method == "GET":
        # Someone who opens the form's address (a bookmark, a link in a mail) gets the form.
        url = reverse("site_page", kwargs={"slug": SitePage.Slug.ACCESSIBILITY})
        return redirect(f"{url}#report")
    form = BarrierReportForm(request.POST)
    if not form.is_valid():
        page = get_object_or_404(SitePage, slug=SitePage.Slug.ACCESSIBILITY)
        language = translation.get_language() or settings.LANGUAGE_CODE
        context = {
            "page": page,
            "title": page.title_for(language),
            "body": page.body_for(language),
            "report_form": form,
        }
        return render(request, "pages/site_page.html", context, status=400)
    with transaction.atomic():
        report = form.save(commit=False)
        if request.user.is_authenticated:
            report.reporter = request.user
        report.save()
        mail.queue_mail(
            to_email=settings.KAG_CONTACT_EMAIL,
            template="barrier_report",
            context={"report": report},
            language=settings.LANGUAGE_CODE,
            idempotency_key=f"barrier-report:{report.pk}",
            about=[report.reporter],
        )
    messages.success(request, _("Thank you. Your report has reached the KAG team."))
    return redirect("site_page", slug=SitePage.Slug.ACCESSIBILITY)


@require_POST
def set_language(request):
    """Switch the language; a logged-in person keeps the choice for pages and mails."""
    return _switch_language(request, request.POST.get("language", ""), request.POST.get("next"))


@never_cache
def switch_language(request):
    """The language switch of every page: a GET form, so that a page cached for anonymous
    visitors carries no per-visitor CSRF token. It changes only the visitor's own language."""
    return _switch_language(request, request.GET.get("language", ""), request.GET.get("next"))


def _switch_language(request, language: str, next_url: str | None):
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    next_url = next_url or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    if request.user.is_authenticated and request.user.preferred_language != language:
        request.user.preferred_language = language
        request.user.save(update_fields=["preferred_language", "updated_at"])
    response = redirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=False,
    )
    return response


@login_required
def me(request):
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=request.user)
        if form.is_valid():
            user = form.save()
            translation.activate(user.preferred_language)
            messages.success(request, _("Your profile has been saved."))
            response = redirect("me")
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                user.preferred_language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                secure=settings.LANGUAGE_COOKIE_SECURE,
            )
            return response
    else:
        form = ProfileForm(instance=request.user)
    return render(request, "me/profile.html", {"body": me_sections.render_body(request, form)})


@login_required
def me_export(request):
    data = {
        "exported_at": timezone.now().isoformat(),
        "portal": settings.SITE_URL,
        "data": personal_data.export_user_data(request.user),
    }
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="kag-portal-meine-daten.json"'
    return response


@login_required
def me_delete(request):
    form = DeleteAccountForm(request.POST or None, user=request.user)
    # Apps name what must be settled first (a company that would lose its only owner …).
    blockers = personal_data.deletion_blockers(request.user)
    if request.method == "POST" and form.is_valid():
        if blockers:
            form.add_error(None, _("Please settle the points above first."))
        else:
            user = request.user
            try:
                personal_data.delete_user_data(user)
            except personal_data.DeletionBlocked:
                form.add_error(None, _("Please settle the points above first."))
            else:
                logout(request)
                messages.success(
                    request, _("Your account and your personal data have been deleted.")
                )
                return redirect("home")
    return render(request, "me/delete.html", {"form": form, "blockers": blockers})


@csrf_exempt  # mail programs post RFC 8058 one-click unsubscribes without a CSRF token
def unsubscribe(request, token: str):
    try:
        email, topic = mail.read_unsubscribe_token(token)
    except signing.BadSignature:
        raise Http404("invalid unsubscribe link") from None
    if topic not in MailTopic.values:
        raise Http404("unknown mail topic")
    topic_label = MailTopic(topic).label
    if request.method == "POST":
        mail.unsubscribe(email=email, topic=topic)
        return render(
            request, "pages/unsubscribed.html", {"email": email, "topic_label": topic_label}
        )
    return render(
        request,
        "pages/unsubscribe_confirm.html",
        {
            "email": email,
            "topic_label": topic_label,
            "action": reverse("unsubscribe", args=[token]),
        },
    )


@cache_control(max_age=86400, public=True)
def media(request, path: str):
    """An uploaded file from MEDIA_ROOT (read per request, so tests and deployments may move it)."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)


_health_clients: dict = {}


def _redis_for_health():
    """One client per process (and URL): its pool keeps the connection, so a check costs one
    PING, not a TCP connect. redis-py drops a dead connection and the next PING reconnects."""
    client = _health_clients.get(settings.REDIS_URL)
    if client is None:
        import redis

        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2
        )
        _health_clients[settings.REDIS_URL] = client
    return client


# A load balancer (or a benchmark) may poll many times a second: each process asks the database
# and Redis at most once a second and repeats that answer meanwhile, so an outage shows within
# a second, and a flood of polls costs no round trips.
HEALTH_SECONDS = 1.0
_health_answer: dict = {}


@never_cache
def healthz(request):
    """200 when the database (and Redis, where configured) answer; 503 naming what is down.
    Asked afresh at most HEALTH_SECONDS apart per process; both checks are one round trip."""
    # Keyed by where it looks, so a changed setting (a test pointing at a closed port) asks anew.
    where = (settings.REDIS_URL, connection.settings_dict["NAME"])
    now = time.monotonic()
    answer = _health_answer.get(where)
    if answer is None or now - answer[0] >= HEALTH_SECONDS:
        answer = (now, *_health_checks())
        _health_answer.clear()
        _health_answer[where] = answer
    _asked_at, body, status = answer
    return JsonResponse(body, status=status)


def _health_checks() -> tuple[dict, int]:
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as error:
        logger.error("health check: database down: %s", error)
        checks["database"] = "down"
    if settings.REDIS_URL:
        try:
            _redis_for_health().ping()
            checks["redis"] = "ok"
        except Exception as error:
            logger.error("health check: redis down: %s", error)
            checks["redis"] = "down"
    down = [name for name, state in checks.items() if state != "ok"]
    body = {"status": "down" if down else "ok", "checks": checks}
    if down:
        body["down"] = down
    return body, 503 if down else 200


class SignupView(allauth_views.SignupView):
    """allauth's sign-up; after an invitation link it starts with the invited address and says
    whom the person is about to join (kag_portal.onboarding)."""

    def get_initial(self) -> dict:
        initial = super().get_initial()
        invitation = onboarding.invitation_for_signup(self.request)
        if invitation is not None:
            initial.setdefault("email", invitation.email)
        return initial

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["signup_invitation"] = onboarding.invitation_for_signup(self.request)
        return context


signup = SignupView.as_view()
