"""The directory, the company page, tag suggestions and the companies' part of "Mein Bereich"."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from ..forms.directory import DirectoryFilterForm
from ..models import Company
from ..services.directory import (
    PAGE_SIZE,
    companies_of,
    company_for_viewer,
    search_directory,
    suggest_tags,
    tag_by_key,
)
from ..services.matching import Direction, best_partners_for

PARTNERS_ON_PAGE = 6
PARTNERS_ON_ME = 5


@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET or None)
    filters = form.filters()
    page = Paginator(search_directory(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    offer_tag = tag_by_key(filters.offer)
    need_tag = tag_by_key(filters.need)
    if form.is_bound and (offer_tag or need_tag):
        # Links carry the tag's key ("spannzang"); the field shows the word people wrote.
        form.data = form.data.copy()
        if offer_tag:
            form.data["offer"] = offer_tag.name
        if need_tag:
            form.data["need"] = need_tag.name
    filtered = any(
        getattr(filters, name)
        for name in ("town", "industry", "offer", "need", "certification", "size", "trainees")
    )
    context = {
        "form": form,
        "page": page,
        "companies": page.object_list,
        "filters": filters,
        "filtered": filtered,
        "searched": bool(filters.q) or filtered,
    }
    return render(request, "companies/directory.html", context)


@require_GET
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    company, is_member = company_for_viewer(request.user, slug)
    context = {
        "company": company,
        "is_member": is_member,
        "show_contact": request.user.is_authenticated,
        "helpers": best_partners_for(company, PARTNERS_ON_PAGE, direction=Direction.THEY_HELP),
        "helped": best_partners_for(company, PARTNERS_ON_PAGE, direction=Direction.WE_HELP),
    }
    return render(request, "companies/detail.html", context)


@require_GET
@cache_control(public=True, max_age=300)
def tag_suggest(request: HttpRequest) -> JsonResponse:
    """Existing tags for a typed beginning: {"tags": [{"name": "Spannzange", "key": "spannzang"}]}.

    The same for everyone (only tags of public companies), so browsers and proxies may cache it.
    """
    tags = suggest_tags(request.GET.get("q", "")[:60])
    return JsonResponse({"tags": [{"name": tag.name, "key": tag.key} for tag in tags]})


def me_section(request: HttpRequest) -> tuple[str, dict] | None:
    """The person's companies on "Mein Bereich", with partners for each published one.

    Registered in CompaniesConfig.ready(); kag_portal shows it without importing companies.
    """
    memberships = companies_of(request.user)
    entries = []
    for membership in memberships:
        company = membership.company
        partners = []
        if company.is_public:
            partners = best_partners_for(company, PARTNERS_ON_ME)
        entries.append({"membership": membership, "company": company, "partners": partners})
    return "companies/me_section.html", {
        "entries": entries,
        "statuses": Company.Status,
    }
