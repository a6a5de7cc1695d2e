"""The KAG team's tools under /staff/companies/: review, hide, tags, CSV import and export.

Every view is `staff_required`: anonymous visitors are sent to the login, members get 403.
"""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kag_portal.access import staff_required

from ..forms.staff import (
    CompanyFilterForm,
    ImportCommitForm,
    ImportUploadForm,
    RejectForm,
    TagMergeForm,
    TagRenameForm,
    TagSearchForm,
)
from ..models import Company, Membership
from ..services import csv_io
from ..services import staff as services
from ..tags import normalize_tag

PAGE_SIZE = 50
QUEUE_LIMIT = 50
IMPORT_SESSION_KEY = "staff_companies_import"
GOOD_ROWS_SHOWN = 100


def _owners() -> Prefetch:
    return Prefetch(
        "memberships",
        queryset=Membership.objects.filter(role=Membership.Role.OWNER).select_related("user"),
        to_attr="owner_memberships",
    )


def _company(pk: int) -> Company:
    return get_object_or_404(Company, pk=pk)


def _back(request: HttpRequest, default: str) -> HttpResponse:
    # Actions are posted from the queue and from a company's staff page; go back where they were.
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = default
    return redirect(target)


# --- Review and companies --------------------------------------------------------------------


@staff_required
def review_queue(request: HttpRequest) -> HttpResponse:
    queue = services.review_queue().prefetch_related(_owners())
    filter_form = CompanyFilterForm(request.GET or None)
    companies = Company.objects.select_related("town").order_by("name", "pk")
    if filter_form.is_valid():
        if status := filter_form.cleaned_data["status"]:
            companies = companies.filter(status=status)
        if q := filter_form.cleaned_data["q"].strip():
            companies = companies.filter(name__icontains=q)
    counts = dict(Company.objects.order_by().values_list("status").annotate(n=Count("pk")))
    page = Paginator(companies, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "companies/staff/review_queue.html",
        {
            "queue": queue[:QUEUE_LIMIT],
            "queue_count": counts.get(Company.Status.IN_REVIEW, 0),
            "queue_limit": QUEUE_LIMIT,
            "filter_form": filter_form,
            "status_counts": [
                (value, label, counts.get(value, 0)) for value, label in Company.Status.choices
            ],
            "page": page,
        },
    )


@staff_required
def company_detail(request: HttpRequest, pk: int) -> HttpResponse:
    company = get_object_or_404(
        Company.objects.select_related("town", "industry", "public_consent_by").prefetch_related(
            "offers",
            "needs",
            "certifications",
            Prefetch("memberships", queryset=Membership.objects.select_related("user")),
        ),
        pk=pk,
    )
    return render(
        request,
        "companies/staff/company_detail.html",
        {"company": company, "reject_form": RejectForm()},
    )


@staff_required
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    company = _company(pk)
    try:
        services.approve_company(company=company, staff_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("“%(name)s” is published. The owners get a mail.") % {"name": company.name},
        )
    return _back(request, reverse("staff_companies:review_queue"))


@staff_required
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    company = get_object_or_404(Company.objects.select_related("town"), pk=pk)
    form = RejectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reject_company(
                company=company, staff_user=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("“%(name)s” was sent back to its owners with your reason.")
                % {"name": company.name},
            )
        return redirect("staff_companies:review_queue")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "companies/staff/reject.html", {"company": company, "form": form}, status=status
    )


@staff_required
@require_POST
def hide(request: HttpRequest, pk: int) -> HttpResponse:
    company = _company(pk)
    try:
        services.hide_company(company=company, staff_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("“%(name)s” is hidden from everyone else.") % {"name": company.name}
        )
    return _back(request, reverse("staff_companies:company_detail", args=[pk]))


@staff_required
@require_POST
def unhide(request: HttpRequest, pk: int) -> HttpResponse:
    company = _company(pk)
    try:
        company = services.unhide_company(company=company, staff_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("“%(name)s” is visible again (status: %(status)s).")
            % {"name": company.name, "status": company.get_status_display()},
        )
    return _back(request, reverse("staff_companies:company_detail", args=[pk]))


# --- Tags ------------------------------------------------------------------------------------


@staff_required
def tag_list(request: HttpRequest) -> HttpResponse:
    form = TagSearchForm(request.GET or None)
    tags = services.tags_with_usage().order_by("name", "pk")
    if form.is_valid() and (q := form.cleaned_data["q"].strip()):
        key = normalize_tag(q)
        tags = tags.filter(Q(name__icontains=q) | Q(key__contains=key) if key else Q(name=q))
    page = Paginator(tags, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "companies/staff/tag_list.html",
        {"form": form, "page": page},
    )


@staff_required
def tag_rename(request: HttpRequest, pk: int) -> HttpResponse:
    tag = get_object_or_404(services.tags_with_usage(), pk=pk)
    form = TagRenameForm(request.POST or None, initial={"name": tag.name})
    if request.method == "POST" and form.is_valid():
        try:
            renamed, merged = services.rename_tag(tag=tag, name=form.cleaned_data["name"])
        except ValidationError as error:
            form.add_error("name", error)
        else:
            if merged:
                messages.success(
                    request,
                    _(
                        "“%(old)s” is the same word as the existing tag “%(new)s”: the two are "
                        "merged, every link kept."
                    )
                    % {"old": tag.name, "new": renamed.name},
                )
            else:
                messages.success(
                    request,
                    _("“%(old)s” is now called “%(new)s”.")
                    % {"old": tag.name, "new": renamed.name},
                )
            return redirect("staff_companies:tag_list")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "companies/staff/tag_rename.html", {"tag": tag, "form": form}, status=status
    )


@staff_required
def tag_merge(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    selected_ids = (data or request.GET).getlist("tags")
    selected = services.tags_with_usage().filter(pk__in=[pk for pk in selected_ids if pk.isdigit()])
    selected = selected.order_by("name", "pk")
    form = TagMergeForm(
        data,
        selected=selected,
        initial={"tags": selected, "target": selected.first()},
    )
    if data is None:
        if len(selected) < 2:
            messages.error(request, _("Select at least two tags to merge."))
            return redirect("staff_companies:tag_list")
    elif form.is_valid():
        target = form.cleaned_data["target"]
        sources = [tag for tag in form.cleaned_data["tags"] if tag.pk != target.pk]
        services.merge_tags(sources=sources, target=target)
        messages.success(
            request,
            ngettext(
                "%(count)s tag was merged into “%(name)s”; every link is kept.",
                "%(count)s tags were merged into “%(name)s”; every link is kept.",
                len(sources),
            )
            % {"count": len(sources), "name": target.name},
        )
        return redirect("staff_companies:tag_list")
    status = 400 if data is not None else 200
    return render(
        request,
        "companies/staff/tag_merge.html",
        {"form": form, "selected": selected},
        status=status,
    )


# --- CSV import and export -------------------------------------------------------------------


def _stored_import(request: HttpRequest) -> dict | None:
    # The decoded text lives in the server-side session between preview and commit: the browser
    # never sends the rows back, so what is saved is exactly what was checked and shown.
    stored = request.session.get(IMPORT_SESSION_KEY)
    if not isinstance(stored, dict) or not isinstance(stored.get("text"), str):
        return None
    return stored


def _render_preview(request, stored: dict, preview, status: int = 200) -> HttpResponse:
    return render(
        request,
        "companies/staff/import_preview.html",
        {
            "stored": stored,
            "preview": preview,
            "good_rows": preview.good_rows[:GOOD_ROWS_SHOWN],
            "more_good_rows": max(len(preview.good_rows) - GOOD_ROWS_SHOWN, 0),
            "commit_form": ImportCommitForm(initial={"digest": stored["digest"]}),
            "upload_form": ImportUploadForm(),
            "columns": csv_io.COLUMNS,
        },
        status=status,
    )


@staff_required
def import_upload(request: HttpRequest) -> HttpResponse:
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        request.session[IMPORT_SESSION_KEY] = {
            "text": form.text,
            "encoding": form.encoding,
            "filename": form.cleaned_data["file"].name[:200],
            "digest": hashlib.sha256(form.text.encode()).hexdigest(),
        }
        return redirect("staff_companies:import_preview")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "companies/staff/import_upload.html",
        {"form": form, "columns": csv_io.COLUMNS},
        status=status,
    )


@staff_required
def import_preview(request: HttpRequest) -> HttpResponse:
    stored = _stored_import(request)
    if stored is None:
        messages.info(request, _("Please choose a file first."))
        return redirect("staff_companies:import_upload")
    preview = csv_io.preview_import(stored["text"], encoding=stored["encoding"])
    return _render_preview(request, stored, preview)


@staff_required
@require_POST
def import_commit(request: HttpRequest) -> HttpResponse:
    stored = _stored_import(request)
    form = ImportCommitForm(request.POST)
    if stored is None or not form.is_valid() or form.cleaned_data["digest"] != stored["digest"]:
        messages.error(
            request,
            _("This preview is out of date: another file was chosen. Please check it again."),
        )
        return redirect(
            "staff_companies:import_preview" if stored else "staff_companies:import_upload"
        )
    try:
        companies = csv_io.import_companies(text=stored["text"], staff_user=request.user)
    except csv_io.ImportRejected as rejected:
        messages.error(request, _("Nothing was imported: some rows are not valid now. See below."))
        return _render_preview(request, stored, rejected.preview, status=409)
    except IntegrityError:
        # Someone saved a company with the same address at the same moment; all was rolled back.
        messages.error(request, _("Nothing was imported: the data changed meanwhile. See below."))
        preview = csv_io.preview_import(stored["text"], encoding=stored["encoding"])
        return _render_preview(request, stored, preview, status=409)
    del request.session[IMPORT_SESSION_KEY]
    messages.success(
        request,
        ngettext(
            "%(count)s company was imported as a draft.",
            "%(count)s companies were imported as drafts.",
            len(companies),
        )
        % {"count": len(companies)},
    )
    return redirect(reverse("staff_companies:review_queue") + "?status=draft")


def _csv_response(rows, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_io.csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@staff_required
def import_template(request: HttpRequest) -> HttpResponse:
    return _csv_response(csv_io.template_rows(), "kag-import-vorlage.csv")


@staff_required
def export_csv(request: HttpRequest) -> HttpResponse:
    # Streamed: the rows are written while the companies are read, 500 at a time.
    today = timezone.localdate().isoformat()
    return _csv_response(csv_io.export_rows(), f"kag-unternehmen-{today}.csv")


def me_section(request: HttpRequest) -> tuple[str, dict] | None:
    """Links to the staff tools on "Mein Bereich", for KAG staff only."""
    if not (request.user.is_authenticated and request.user.is_staff):
        return None
    queue_count = Company.objects.filter(status=Company.Status.IN_REVIEW).count()
    return "companies/staff/me_section.html", {"queue_count": queue_count}
