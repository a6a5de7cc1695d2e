"""The directory, the company page, tag suggestions and the companies' part of "Mein Bereich"."""

from __future__ import annotations

import hashlib
import json
from dataclasses import astuple

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import get_template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from kag_portal import caching

from ..forms.directory import DirectoryFilterForm
from ..models import Company, Tag
from ..services.directory import (
    DIRECTORY_SCOPE,
    PAGE_SIZE,
    DirectoryFilters,
    companies_of,
    company_for_viewer,
    directory_search,
    prefetch_card_tags,
    search_directory,
    suggest_tags,
    tag_by_key,
)
from ..services.help_requests import matching_open_requests
from ..services.matching import Direction, cached_partners
from ..tags import normalize_tag

PARTNERS_ON_PAGE = 6
PARTNERS_ON_ME = 5
REQUESTS_ON_ME = 3
SUGGEST_CACHE_SECONDS = 300
# Cards and filter fields are kept until the directory's generation changes; the timeout only
# lets entries nobody asks for any more go.
FRAGMENT_CACHE_SECONDS = 24 * 3600
FILTER_FIELDS = ("town", "industry", "offer", "need", "certification", "size", "trainees")


def _without_empty_fields(request: HttpRequest) -> str | None:
    """The address without the form's empty fields (?q=x&town=&size= -> ?q=x), or None when it
    has none: a search is a link to share, so it should read like one."""
    params = request.GET.copy()
    for key in list(params):
        values = [value for value in params.getlist(key) if value.strip()]
        if values:
            params.setlist(key, values)
        else:
            del params[key]
    if len(params.urlencode()) == len(request.GET.urlencode()):
        return None
    return f"{request.path}?{params.urlencode()}" if params else request.path


@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    clean_url = _without_empty_fields(request)
    if clean_url is not None:
        return redirect(clean_url)
    form = DirectoryFilterForm(request.GET or None)
    filters = form.filters()
    page, offer_tag, need_tag, suggestion, shows_suggestion = _results(
        filters, request.GET.get("page")
    )
    if form.is_bound and (offer_tag or need_tag):
        # Links carry the tag's key ("spannzang"); the field shows the word people wrote.
        form.data = form.data.copy()
        if offer_tag:
            form.data["offer"] = offer_tag.name
        if need_tag:
            form.data["need"] = need_tag.name
    active = _active_filters(request, form, filters, offer_tag, need_tag)
    companies = list(page.object_list)
    filter_fields, cards = _fragments(form, companies)
    context = {
        "form": form,
        "filter_fields": filter_fields,
        "cards": cards,
        "page": page,
        "companies": companies,
        "filters": filters,
        "active_filters": active,
        "filtered": bool(active),
        "searched": bool(filters.q) or bool(active),
        # "Meinten Sie: Spannzange?" links to the same page with the corrected search.
        "suggestion": suggestion,
        "shows_suggestion": shows_suggestion,
    }
    return render(request, "companies/directory.html", context)


def _results(
    filters: DirectoryFilters, number: str | None
) -> tuple[Page, Tag | None, Tag | None, str, bool]:
    """The page of results, the filter tags and the spelling suggestion (with whether the page
    shows the suggestion's companies): the COUNT and the page's rows as the database gives
    them, kept under the directory's generation, so a write that changes any company, tag or
    town makes the next request count and read again."""
    # "v2": the entry holds the spelling suggestion too; entries of the earlier shape are ignored.
    key = (
        "page:directory:results:v2:"
        + hashlib.sha256(json.dumps([astuple(filters), number]).encode()).hexdigest()[:32]
    )
    stamps, found = caching.get_many_current({key: [DIRECTORY_SCOPE]})
    if key in found:
        count, page_number, rows, offer_tag, need_tag, suggestion, shows_suggestion = found[key]
        paginator = Paginator(search_directory(filters), PAGE_SIZE)
        paginator.count = count  # a cached_property: the COUNT is not run again
        page = paginator._get_page(rows, page_number, paginator)
        return page, offer_tag, need_tag, suggestion, shows_suggestion
    result = directory_search(filters)
    paginator = Paginator(result.companies, PAGE_SIZE)
    paginator.count = result.count
    page = paginator.get_page(number)
    page.object_list = list(page.object_list)
    offer_tag = tag_by_key(filters.offer)
    need_tag = tag_by_key(filters.need)
    entry = (
        paginator.count,
        page.number,
        page.object_list,
        offer_tag,
        need_tag,
        result.suggestion,
        result.shows_suggestion,
    )
    caching.set_current(key, stamps[key], entry, FRAGMENT_CACHE_SECONDS)
    return page, offer_tag, need_tag, result.suggestion, result.shows_suggestion


def _fragments(form: DirectoryFilterForm, companies: list) -> tuple[SafeString, list[SafeString]]:
    """The filter fields and the page's company cards, from the cache where it has them: one
    round trip for all of them and the directory's generation. Both are rendered without the
    request (no CSRF token, nothing of the visitor), so anonymous and logged-in visitors share
    them; _results() decides which cards show.
    """
    language = get_language() or "de"
    values = [form.is_bound] + [
        form.data.getlist(name) if hasattr(form.data, "getlist") else form.data.get(name)
        for name in FILTER_FIELDS
    ]
    digest = hashlib.sha256(json.dumps(values, default=str).encode()).hexdigest()[:32]
    fields_key = f"page:directory:filter-fields:{language}:{digest}"
    card_keys = {
        company.pk: f"page:directory:card:{language}:{company.pk}" for company in companies
    }
    keys = {fields_key: [DIRECTORY_SCOPE], **{key: [DIRECTORY_SCOPE] for key in card_keys.values()}}
    stamps, found = caching.get_many_current(keys)
    if fields_key not in found:
        html = get_template("companies/includes/directory_filter_fields.html").render(
            {"form": form}
        )
        found[fields_key] = html
        caching.set_current(fields_key, stamps[fields_key], html, FRAGMENT_CACHE_SECONDS)
    missing = [company for company in companies if card_keys[company.pk] not in found]
    if missing:
        prefetch_card_tags(missing)
        template = get_template("companies/includes/company_card.html")
        directory_url = reverse("companies:directory")
        for company in missing:
            key = card_keys[company.pk]
            html = template.render(
                {"company": company, "directory_url": directory_url, "LANGUAGE_CODE": language}
            )
            found[key] = html
            caching.set_current(key, stamps[key], html, FRAGMENT_CACHE_SECONDS)
    cards = [mark_safe(found[card_keys[company.pk]]) for company in companies]  # noqa: S308
    return mark_safe(found[fields_key]), cards  # noqa: S308


def _choice_label(form: DirectoryFilterForm, name: str, value: str) -> str:
    for key, label in form.fields[name].choices:
        if isinstance(label, list | tuple):  # a group of choices (industry sections)
            for inner_key, inner_label in label:
                if inner_key == value:
                    return str(inner_label)
        elif key == value:
            return str(label)
    return value


def _active_filters(request, form, filters, offer_tag, need_tag) -> list[dict]:
    """Each filter in use (what it is called, its value, a link without it), so the page can list
    them above the results: on a phone the filters themselves are folded away."""
    found = []
    for name in ("town", "industry", "certification", "size"):
        value = getattr(filters, name)
        if value:
            found.append((name, _choice_label(form, name, value)))
    if filters.offer:
        found.append(("offer", offer_tag.name if offer_tag else filters.offer))
    if filters.need:
        found.append(("need", need_tag.name if need_tag else filters.need))
    if filters.trainees:
        found.append(("trainees", ""))
    active = []
    for name, value in found:
        params = request.GET.copy()
        params.pop(name, None)
        params.pop("page", None)
        query = params.urlencode()
        active.append(
            {
                "label": form.fields[name].label,
                "value": value,
                "remove_url": f"{request.path}?{query}" if query else request.path,
            }
        )
    return active


@require_GET
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    company, is_member = company_for_viewer(request.user, slug)
    return render(
        request,
        "companies/detail.html",
        {"company": company, "body": _detail_body(request, company, is_member)},
    )


def _detail_body(request: HttpRequest, company: Company, is_member: bool) -> SafeString:
    """The page below the site header, rendered once per company, language and kind of viewer
    (staff, member, logged in): it shows nothing else of the viewer, and rendering it was most
    of the page's time. Stale on any directory or story change."""
    user = request.user
    kind = (user.is_staff, is_member, user.is_authenticated)
    viewer = "".join("1" if flag else "0" for flag in kind)
    key = f"page:company-body:{company.pk}:{get_language()}:{viewer}"
    stamps, found = caching.get_many_current({key: ("directory", "stories")})
    if key in found:
        # Our own template's output, escaped when it was rendered and kept as it was.
        return mark_safe(found[key])  # noqa: S308
    partners = cached_partners(company, PARTNERS_ON_PAGE, (Direction.THEY_HELP, Direction.WE_HELP))
    context = {
        "company": company,
        "is_member": is_member,
        "show_contact": user.is_authenticated,
        "helpers": partners[Direction.THEY_HELP],
        "helped": partners[Direction.WE_HELP],
    }
    body = get_template("companies/includes/detail_body.html").render(context, request)
    caching.set_current(key, stamps[key], str(body), FRAGMENT_CACHE_SECONDS)
    return mark_safe(body)  # noqa: S308


@require_GET
@cache_control(public=True, max_age=SUGGEST_CACHE_SECONDS)
def tag_suggest(request: HttpRequest) -> JsonResponse:
    """Existing tags for a typed beginning: {"tags": [{"name": "Spannzange", "key": "spannzang"}]}.

    The same for everyone (only tags of public companies), so browsers and proxies may cache it.
    """
    text = request.GET.get("q", "")[:60]
    key = normalize_tag(text)
    # The same answer for everyone, and a few minutes old is fine: keep it in the cache too.
    tags = cache.get_or_set(
        f"companies:tag-suggest:{key}",
        lambda: [{"name": tag.name, "key": tag.key} for tag in suggest_tags(text)],
        SUGGEST_CACHE_SECONDS,
    )
    return JsonResponse({"tags": tags})


def me_section(request: HttpRequest) -> tuple[str, dict] | None:
    """The person's companies on "Mein Bereich", with partners for each published one.

    Registered in CompaniesConfig.ready(); kag_portal shows it without importing companies.
    """
    memberships = companies_of(request.user)
    entries = []
    for membership in memberships:
        company = membership.company
        partners = []
        open_requests = []
        if company.is_public:
            partners = cached_partners(company, PARTNERS_ON_ME, (Direction.BOTH,))[Direction.BOTH]
            open_requests = matching_open_requests(company, REQUESTS_ON_ME)
        entries.append(
            {
                "membership": membership,
                "company": company,
                "partners": partners,
                "open_requests": open_requests,
            }
        )
    return "companies/me_section.html", {
        "entries": entries,
        "statuses": Company.Status,
    }
