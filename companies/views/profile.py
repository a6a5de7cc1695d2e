"""Creating and editing a company profile: the wizard (basics, offers and needs, consent,
submit), the logo and deleting the company. Only members edit; only owners consent and delete."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kag_portal.confirmation import ask_first

from ..forms.members import DeleteCompanyForm
from ..forms.profile import CompanyBasicsForm, CompanyTagsForm, ConsentForm, LogoForm
from ..models import Company, Membership, Tag
from ..services import logos, profiles

SUGGESTED_TAGS = 40


# --- Access helpers -----------------------------------------------------------------------------


def company_for_member(request: HttpRequest, slug: str) -> tuple[Company, Membership]:
    """The company and the person's membership. Not a member: 403 where the company is public
    anyway, 404 otherwise, so nobody learns that another firm's draft exists."""
    company = get_object_or_404(Company.objects.select_related("town", "industry"), slug=slug)
    membership = Membership.objects.filter(company=company, user=request.user).first()
    if membership is None:
        if company.is_public:
            raise PermissionDenied
        raise Http404
    return company, membership


def company_for_owner(request: HttpRequest, slug: str) -> tuple[Company, Membership]:
    company, membership = company_for_member(request, slug)
    if membership.role != Membership.Role.OWNER:
        raise PermissionDenied
    return company, membership


def in_wizard(company: Company) -> bool:
    """Drafts and rejected profiles are walked through step by step until they are submitted."""
    return company.status in (Company.Status.DRAFT, Company.Status.REJECTED)


def _context(company: Company, membership: Membership, step: str, **extra) -> dict:
    return {
        "company": company,
        "membership": membership,
        "is_owner": membership.role == Membership.Role.OWNER,
        "wizard": in_wizard(company),
        "step": step,
        "statuses": Company.Status,
        **extra,
    }


def _validation_messages(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- The wizard and the profile pages -----------------------------------------------------------


@login_required
def create(request: HttpRequest) -> HttpResponse:
    """Step 1 for a new company: the basics. Saving creates the draft with the person as owner."""
    form = CompanyBasicsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        company = profiles.create_company(
            owner=request.user,
            fields=form.profile_fields(),
            certifications=form.cleaned_data["certifications"],
        )
        messages.success(request, _("Your company has been saved as a draft."))
        return redirect("companies:edit_tags", slug=company.slug)
    return render(
        request,
        "companies/profile/basics.html",
        {"form": form, "company": None, "wizard": True, "step": "basics"},
    )


@login_required
def edit(request: HttpRequest, slug: str) -> HttpResponse:
    company, membership = company_for_member(request, slug)
    form = CompanyBasicsForm(request.POST or None, instance=company)
    if request.method == "POST":
        if form.is_valid():
            profiles.update_company(
                company=company,
                fields=form.profile_fields(),
                certifications=form.cleaned_data["certifications"],
            )
            messages.success(request, _("The profile has been saved."))
            if in_wizard(company):
                return redirect("companies:edit_tags", slug=company.slug)
            return redirect("companies:edit", slug=company.slug)
        # A failed save must not show half-changed values elsewhere on the page.
        company.refresh_from_db()
    return render(
        request, "companies/profile/basics.html", _context(company, membership, "basics", form=form)
    )


def _suggested_tags() -> list[str]:
    """The most used tags, offered in a <datalist> before the person types (one query)."""
    # Only tags of public profiles: a draft's words are nobody else's business.
    published = Company.Status.PUBLISHED
    return list(
        Tag.objects.annotate(
            uses=Count("offered_by", filter=Q(offered_by__status=published), distinct=True)
            + Count("needed_by", filter=Q(needed_by__status=published), distinct=True)
        )
        .filter(uses__gt=0)
        .order_by("-uses", "name")
        .values_list("name", flat=True)[:SUGGESTED_TAGS]
    )


@login_required
def edit_tags(request: HttpRequest, slug: str) -> HttpResponse:
    company, membership = company_for_member(request, slug)
    form = CompanyTagsForm(request.POST or None, company=company)
    if request.method == "POST" and form.is_valid():
        try:
            profiles.set_tags(
                company=company,
                offers=form.cleaned_data["offers"],
                needs=form.cleaned_data["needs"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Offers and needs have been saved."))
            if in_wizard(company):
                return redirect("companies:consent", slug=company.slug)
            return redirect("companies:edit_tags", slug=company.slug)
    return render(
        request,
        "companies/profile/tags.html",
        _context(company, membership, "tags", form=form, suggestions=_suggested_tags()),
    )


@login_required
def consent(request: HttpRequest, slug: str) -> HttpResponse:
    """Give or withdraw the consent to appear in the public directory (owners only)."""
    company, membership = company_for_member(request, slug)
    form = ConsentForm()
    if request.method == "POST":
        if membership.role != Membership.Role.OWNER:
            raise PermissionDenied
        if request.POST.get("action") == "withdraw":
            profiles.withdraw_consent(company=company, user=request.user)
            messages.success(
                request,
                _("Consent withdrawn. The profile no longer appears in the public directory."),
            )
            return redirect("companies:consent", slug=company.slug)
        form = ConsentForm(request.POST)
        if form.is_valid():
            profiles.give_consent(company=company, user=request.user)
            messages.success(request, _("Thank you, your consent has been recorded."))
            return redirect("companies:consent", slug=company.slug)
    return render(
        request,
        "companies/profile/consent.html",
        _context(company, membership, "consent", form=form),
    )


@require_POST
@login_required
def submit(request: HttpRequest, slug: str) -> HttpResponse:
    company, _membership = company_for_member(request, slug)
    try:
        profiles.submit_for_review(company=company, user=request.user)
    except ValidationError as error:
        messages.error(request, _validation_messages(error))
        return redirect("companies:consent", slug=company.slug)
    messages.success(
        request,
        _(
            "Thank you. The KAG team will check your profile and publish it. "
            "You will get an e-mail."
        ),
    )
    return redirect("me")


@login_required
def logo(request: HttpRequest, slug: str) -> HttpResponse:
    company, membership = company_for_member(request, slug)
    form = LogoForm()
    if request.method == "GET" and "remove" in request.GET and company.logo:
        # Removing cannot be undone (the file is gone): ask first.
        return ask_first(
            request,
            title=_("Remove the logo?"),
            subject=company.name,
            consequences=[
                _(
                    "The logo disappears from the profile and the directory. You can upload "
                    "one again."
                )
            ],
            confirm_label=_("Yes, remove the logo"),
            back_url=reverse("companies:logo", args=[company.slug]),
            hidden=[("action", "remove")],
        )
    if request.method == "POST":
        if request.POST.get("action") == "remove":
            logos.remove_logo(company=company)
            messages.success(request, _("The logo has been removed."))
            return redirect("companies:logo", slug=company.slug)
        form = LogoForm(request.POST, request.FILES)
        if form.is_valid():
            logos.set_logo(company=company, content=form.processed)
            messages.success(request, _("The logo has been saved."))
            return redirect("companies:logo", slug=company.slug)
    return render(
        request, "companies/profile/logo.html", _context(company, membership, "logo", form=form)
    )


@login_required
def delete(request: HttpRequest, slug: str) -> HttpResponse:
    company, membership = company_for_owner(request, slug)
    form = DeleteCompanyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        name = company.name
        profiles.delete_company(company=company, user=request.user)
        messages.success(request, _("“%(name)s” has been deleted.") % {"name": name})
        return redirect(reverse("me"))
    return render(
        request, "companies/profile/delete.html", _context(company, membership, "delete", form=form)
    )
