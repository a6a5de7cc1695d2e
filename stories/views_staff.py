"""Staff tools for stories under /staff/stories/: the list with approvals, write, release."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, F, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from companies.models import Company
from kag_portal.access import staff_required

from . import services
from .forms import NewStoryForm, StaffCooperationForm
from .models import Story


@staff_required
def story_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    stories = (
        Story.objects.select_related("author", "event")
        .prefetch_related(Prefetch("companies", queryset=Company.objects.order_by("name")))
        .annotate(
            # Valid approvals: of the current text, not withdrawn.
            approved_count=Count(
                "approvals",
                filter=Q(approvals__text_version=F("text_version"), approvals__withdrawn_at=None),
                distinct=True,
            ),
            company_count=Count("companies", distinct=True),
        )
        .order_by("status", "-updated_at")
    )
    if status in Story.Status.values:
        stories = stories.filter(status=status)
    return render(
        request,
        "stories/staff/list.html",
        {"stories": stories[:200], "status": status, "statuses": Story.Status.choices},
    )


@staff_required
def create(request: HttpRequest) -> HttpResponse:
    form = NewStoryForm(request.POST or None, cooperations=services.confirmed_cooperations())
    if request.method == "POST" and form.is_valid():
        story = services.create_story(
            cooperation=form.cleaned_data["cooperation"],
            author=request.user,
            title=form.cleaned_data["title"],
            lead=form.cleaned_data["lead"],
            body=form.cleaned_data["body"],
            event=form.cleaned_data["event"],
        )
        messages.success(request, _("The draft is saved."))
        return redirect("staff_stories:detail", pk=story.pk)
    return render(request, "stories/form.html", {"form": form, "story": None, "staff": True})


@staff_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    story = get_object_or_404(
        Story.objects.select_related("cooperation", "event", "author", "released_by"), pk=pk
    )
    return render(
        request,
        "stories/staff/detail.html",
        {
            "story": story,
            "approvals": services.approval_states(story),
            "images": list(story.images.all()),
        },
    )


@staff_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    story = get_object_or_404(Story, pk=pk)
    services.submit_for_approval(story=story)
    messages.success(request, _("The owners of the companies are asked to approve the text."))
    return redirect("staff_stories:detail", pk=pk)


@staff_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    story = services.release(story=get_object_or_404(Story, pk=pk), by=request.user)
    if story.is_published:
        messages.success(request, _("The story is public."))
    else:
        messages.info(
            request,
            _("Released: the story becomes public as soon as every company has approved it."),
        )
    return redirect("staff_stories:detail", pk=pk)


@staff_required
@require_POST
def unpublish(request: HttpRequest, pk: int) -> HttpResponse:
    services.take_back(story=get_object_or_404(Story, pk=pk))
    messages.success(request, _("The story is not public any more."))
    return redirect("staff_stories:detail", pk=pk)


def me_section(request: HttpRequest) -> tuple[str, dict] | None:
    """A link to the stories tools on "Mein Bereich", for KAG staff only."""
    if not (request.user.is_authenticated and request.user.is_staff):
        return None
    in_review = Story.objects.filter(status=Story.Status.IN_REVIEW).count()
    return "stories/staff/me_section.html", {"in_review": in_review}


@staff_required
def cooperation_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(services.staff_cooperations(), 50).get_page(request.GET.get("page"))
    return render(request, "stories/staff/cooperations.html", {"page": page})


@staff_required
def cooperation_create(request: HttpRequest) -> HttpResponse:
    form = StaffCooperationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.record_cooperation(
            companies=list(form.cleaned_data["companies"]),
            description=form.cleaned_data["description"],
            started_on=form.cleaned_data["started_on"],
            origin=form.cleaned_data["origin"],
            without_kag=form.cleaned_data["would_have_happened_without_kag"],
            by=request.user,
        )
        messages.success(
            request, _("The cooperation is recorded. Each company has been asked to confirm it.")
        )
        return redirect("staff_stories:cooperations")
    return render(request, "stories/staff/cooperation_form.html", {"form": form})
