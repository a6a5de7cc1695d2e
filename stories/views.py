"""Stories at /stories/: the public list and page, writing by members, approval by owners.

Staff tools (list, release, edit any story) are in views_staff.py under /staff/stories/.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kag_portal.confirmation import ask_first
from kag_portal.page_cache import cache_anonymous_page

from . import services
from .forms import NewStoryForm, StoryForm, StoryImageForm
from .models import MAX_IMAGES, Story, StoryImage

PAGE_SIZE = 12


# --- Access helpers -----------------------------------------------------------------------------


def _visible_story(request: HttpRequest, pk: int) -> Story:
    """404 for a story that is not public, unless the person may see its draft."""
    story = get_object_or_404(Story.objects.select_related("cooperation", "event"), pk=pk)
    if not services.can_view(request.user, story):
        raise Http404
    return story


def _editable_story(request: HttpRequest, pk: int) -> Story:
    story = _visible_story(request, pk)
    if not services.can_edit(request.user, story):
        raise PermissionDenied
    return story


def after_edit_url(request: HttpRequest, story: Story) -> str:
    if request.user.is_staff:
        return reverse("staff_stories:detail", args=[story.pk])
    return story.get_absolute_url()


# --- Public -------------------------------------------------------------------------------------


# Stories name their companies and the event where they began.
@cache_anonymous_page(["stories", "events"])
def story_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(services.published_stories(), PAGE_SIZE).get_page(request.GET.get("page"))
    can_write = (
        request.user.is_authenticated
        and services.member_cooperations(request.user).exists()
        and not request.user.is_staff
    )
    return render(request, "stories/list.html", {"page": page, "can_write": can_write})


@cache_anonymous_page(["stories", "events"])
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    story = _visible_story(request, pk)
    context = {
        "story": story,
        "companies": list(story.companies.order_by("name")),
        "images": list(story.images.all()),
        "can_edit": services.can_edit(request.user, story),
        "can_approve": bool(services.owned_companies(request.user, story)) and not story.is_draft,
    }
    if not story.is_published:
        context["approvals"] = services.approval_states(story)
    return render(request, "stories/detail.html", context)


# --- Writing (members; staff use the same edit and image pages) ---------------------------------


@login_required
def create(request: HttpRequest) -> HttpResponse:
    cooperations = services.member_cooperations(request.user)
    if not cooperations.exists():
        return render(request, "stories/no_cooperation.html", status=200)
    form = NewStoryForm(request.POST or None, cooperations=cooperations)
    if request.method == "POST" and form.is_valid():
        story = services.create_story(
            cooperation=form.cleaned_data["cooperation"],
            author=request.user,
            title=form.cleaned_data["title"],
            lead=form.cleaned_data["lead"],
            body=form.cleaned_data["body"],
            event=form.cleaned_data["event"],
        )
        messages.success(request, _("The draft is saved. Add images or send it for review."))
        return redirect(story.get_absolute_url())
    return render(request, "stories/form.html", {"form": form, "story": None})


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    story = _editable_story(request, pk)
    form = StoryForm(request.POST or None, instance=story)
    if request.method == "POST" and form.is_valid():
        was_published = story.is_published
        story = services.update_story(
            story=story,
            title=form.cleaned_data["title"],
            lead=form.cleaned_data["lead"],
            body=form.cleaned_data["body"],
            event=form.cleaned_data["event"],
        )
        if was_published and not story.is_published:
            messages.warning(
                request,
                _(
                    "The text changed: the companies are asked to approve it again before it is "
                    "public again."
                ),
            )
        else:
            messages.success(request, _("The story is saved."))
        return redirect(after_edit_url(request, story))
    # The form's instance has been changed by a failed validation: show the saved title.
    story.refresh_from_db()
    return render(request, "stories/form.html", {"form": form, "story": story})


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    story = _editable_story(request, pk)
    services.submit_for_approval(story=story)
    messages.success(
        request,
        _(
            "Sent for review. The owners of the companies are asked to approve the text; the KAG "
            "team publishes it."
        ),
    )
    return redirect(after_edit_url(request, story))


@login_required
def images(request: HttpRequest, pk: int) -> HttpResponse:
    story = _editable_story(request, pk)
    existing = list(story.images.all())
    form = StoryImageForm(request.POST or None, request.FILES or None)
    full = len(existing) >= MAX_IMAGES
    if request.method == "POST" and not full and form.is_valid():
        try:
            services.add_image(
                story=story, content=form.processed, alt_text=form.cleaned_data["alt_text"]
            )
        except services.TooManyImages:
            messages.error(request, _("A story has at most four images."))
        else:
            messages.success(request, _("The image is added."))
        return redirect("stories:images", pk=story.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "stories/images.html",
        {"story": story, "images": existing, "form": form, "full": full, "max": MAX_IMAGES},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def image_delete(request: HttpRequest, pk: int, image_pk: int) -> HttpResponse:
    """GET asks first, POST removes the image for good."""
    story = _editable_story(request, pk)
    image = get_object_or_404(StoryImage, pk=image_pk, story=story)
    if request.method == "GET":
        return ask_first(
            request,
            title=_("Remove the image?"),
            subject=image.alt_text,
            consequences=[_("The image is deleted from the story for good.")],
            confirm_label=_("Yes, remove the image"),
            back_url=reverse("stories:images", args=[story.pk]),
        )
    services.remove_image(image=image)
    messages.success(request, _("The image is removed."))
    return redirect("stories:images", pk=story.pk)


# --- Approval by the companies' owners ----------------------------------------------------------


@login_required
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the text to approve and the company's current answer; POST approve or withdraw.
    Only owners of an involved company: anyone else who may see the story gets 403."""
    story = _visible_story(request, pk)
    companies = services.owned_companies(request.user, story)
    if not companies or story.is_draft:
        raise PermissionDenied
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "approve":
            services.approve(story=story, user=request.user)
            messages.success(request, _("Thank you: your approval is recorded."))
        elif action == "withdraw":
            services.withdraw(story=story, user=request.user)
            messages.success(
                request, _("Your approval is withdrawn. The story is not public any more.")
            )
        else:
            return HttpResponse(status=400)
        return redirect("stories:approve", pk=story.pk)
    story.refresh_from_db()
    states = {company.pk: approval for company, approval in services.approval_states(story)}
    return render(
        request,
        "stories/approve.html",
        {
            "story": story,
            "mine": [(company, states.get(company.pk)) for company in companies],
            "images": list(story.images.all()),
        },
    )


def me_section(request: HttpRequest) -> tuple[str, dict] | None:
    """On "Mein Bereich": stories waiting for the person's approval and their own drafts."""
    awaiting = services.awaiting_approval(request.user)
    drafts = services.drafts_of(request.user)
    if not (awaiting or drafts):
        return None
    return "stories/me_section.html", {"awaiting": awaiting, "drafts": drafts}
