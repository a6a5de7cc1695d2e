"""Newsletter pages: the public archive and subscription (/newsletter/) and the staff's editor
(/staff/newsletter/). Business rules live in newsletter.services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kag_portal.access import staff_required

from . import services
from .forms import IssueForm, SubscribeForm
from .models import NewsletterIssue, Subscriber

PUBLIC = [NewsletterIssue.Status.SENDING, NewsletterIssue.Status.SENT]


# --- public --------------------------------------------------------------------------------------


def archive(request: HttpRequest, form: SubscribeForm | None = None) -> HttpResponse:
    issues = NewsletterIssue.objects.filter(status__in=PUBLIC).order_by("-sent_at")
    return render(
        request,
        "newsletter/archive.html",
        {
            "issues": issues,
            "form": form or SubscribeForm(initial={"language": request.LANGUAGE_CODE}),
        },
    )


@require_POST
def subscribe(request: HttpRequest) -> HttpResponse:
    form = SubscribeForm(request.POST)
    if not form.is_valid():
        return archive(request, form)
    services.subscribe(email=form.cleaned_data["email"], language=form.cleaned_data["language"])
    return render(request, "newsletter/subscribe_sent.html", {"email": form.cleaned_data["email"]})


def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks (mail scanners open links too), POST confirms."""
    subscriber = services.subscriber_for_token(token)
    if subscriber is None:
        return render(request, "newsletter/confirm_invalid.html", status=404)
    if request.method == "POST":
        services.confirm(subscriber)
        return render(request, "newsletter/confirmed.html", {"email": subscriber.email})
    return render(request, "newsletter/confirm.html", {"email": subscriber.email, "token": token})


def issue(request: HttpRequest, pk: int) -> HttpResponse:
    sent = get_object_or_404(NewsletterIssue, pk=pk, status__in=PUBLIC)
    return render(
        request,
        "newsletter/issue.html",
        {"issue": sent, "blocks": services.display_blocks(sent.content)},
    )


@login_required
@require_POST
def member_subscription(request: HttpRequest) -> HttpResponse:
    if request.POST.get("subscribe") == "1":
        services.subscribe_member(request.user)
        messages.success(
            request, _("You will get the newsletter at %(email)s.") % {"email": request.user.email}
        )
    else:
        services.unsubscribe_member(request.user)
        messages.success(request, _("You will not get the newsletter any more."))
    return redirect("me")


def me_section(request: HttpRequest) -> tuple[str, dict] | None:
    if not request.user.is_authenticated:
        return None
    return "newsletter/me_section.html", {"subscribed": services.is_subscribed(request.user)}


# --- staff ---------------------------------------------------------------------------------------


@staff_required
def staff_list(request: HttpRequest) -> HttpResponse:
    issues = NewsletterIssue.objects.order_by("-created_at")
    subscribers = Subscriber.objects.aggregate(
        confirmed=Count("pk", filter=Q(confirmed_at__isnull=False)),
        waiting=Count("pk", filter=Q(confirmed_at__isnull=True)),
    )
    return render(
        request,
        "newsletter/staff/list.html",
        {"issues": issues, "subscribers": subscribers, "recipients": services.recipients().count()},
    )


@staff_required
def staff_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    draft = get_object_or_404(NewsletterIssue, pk=pk) if pk else NewsletterIssue()
    if draft.pk and not draft.is_draft:
        messages.info(request, _("This issue has been sent and cannot be changed."))
        return redirect("newsletter:issue", draft.pk)
    form = IssueForm(request.POST or None, instance=draft)
    if request.method == "POST" and form.is_valid():
        draft = form.save(commit=False)
        if draft.created_by_id is None:
            draft.created_by = request.user
        draft.save()
        messages.success(request, _("The newsletter was saved. Check the preview below."))
        return redirect("staff_newsletter:edit", draft.pk)
    context = {"form": form, "issue": draft}
    if draft.pk:
        context["blocks"], context["texts"] = services.preview(draft)
    return render(request, "newsletter/staff/edit.html", context)


@staff_required
def staff_send(request: HttpRequest, pk: int) -> HttpResponse:
    draft = get_object_or_404(NewsletterIssue, pk=pk)
    if not draft.is_draft:
        messages.info(request, _("This issue has been sent already."))
        return redirect("staff_newsletter:list")
    if request.method == "POST":
        if services.start_sending(issue_id=draft.pk, by=request.user):
            messages.success(request, _("The newsletter is being sent."))
        return redirect("staff_newsletter:list")
    return render(
        request,
        "newsletter/staff/send.html",
        {
            "issue": draft,
            "recipients": services.recipients().count(),
            "english_recipients": services.recipients().filter(language="en").count(),
        },
    )
