"""The requests board under /help-requests/: post a need, answer "Wir können helfen", close it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..forms.help_requests import AnswerForm, CloseForm, HelpRequestFilterForm, HelpRequestForm
from ..models import Company, HelpRequest
from ..services import cooperations, digest, help_requests
from ..tags import normalize_tag

PAGE_SIZE = 20


# --- Access helpers -----------------------------------------------------------------------------


def _visible_request(request: HttpRequest, pk: int) -> HelpRequest:
    """404 for requests of companies that are not public, unless it is the person's own."""
    help_request = get_object_or_404(
        HelpRequest.objects.select_related("company", "company__town", "helped_by"), pk=pk
    )
    if not help_requests.can_see(request.user, help_request):
        raise Http404
    return help_request


def _own_request(request: HttpRequest, pk: int) -> HelpRequest:
    """403 unless the person acts for the requesting company."""
    help_request = _visible_request(request, pk)
    if not help_requests.is_member(request.user, help_request.company):
        raise PermissionDenied
    return help_request


# --- The board ------------------------------------------------------------------------------


def help_request_list(request: HttpRequest) -> HttpResponse:
    my_companies = help_requests.companies_of(request.user)
    filters = HelpRequestFilterForm(request.GET or None)
    tag_key = ""
    mine = False
    if filters.is_valid():
        tag_key = normalize_tag(filters.cleaned_data["tag"])
        mine = filters.cleaned_data["mine"] and bool(my_companies)
    requests = help_requests.open_help_requests(
        tag_key=tag_key, matching_user=request.user if mine else None
    )
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "companies/help_requests/list.html",
        {
            "page": page,
            "filters": filters,
            "tag_key": tag_key,
            "mine": mine,
            "my_companies": my_companies,
            "can_post": any(c.is_public for c in my_companies),
            "subscribed": digest.is_subscribed(request.user) if my_companies else False,
        },
    )


@login_required
def create(request: HttpRequest) -> HttpResponse:
    my_companies = help_requests.companies_of(request.user)
    public = [c for c in my_companies if c.is_public]
    if not public:
        # Not a form: a clear word on what is missing, and where to go next.
        return render(
            request,
            "companies/help_requests/cannot_post.html",
            {"my_companies": my_companies},
        )
    form = HelpRequestForm(request.POST or None, companies=public)
    if request.method == "POST" and form.is_valid():
        try:
            help_request = help_requests.post_request(
                company=form.chosen_company(), author=request.user, **form.request_fields()
            )
        except help_requests.HelpRequestError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your request is on the board."))
            return redirect(help_request)
    return render(
        request,
        "companies/help_requests/form.html",
        {"form": form, "editing": False},
        status=400 if form.errors else 200,
    )


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    help_request = _visible_request(request, pk)
    return _render_detail(request, help_request)


def _render_detail(
    request: HttpRequest,
    help_request: HelpRequest,
    *,
    answer_form: AnswerForm | None = None,
    close_form: CloseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    is_requester = help_requests.is_member(user, help_request.company)
    answers = list(help_requests.answers_for(help_request))
    my_company_ids = {c.pk for c in help_requests.companies_of(user)}
    context = {
        "help_request": help_request,
        "is_requester": is_requester,
        "is_open": help_request.is_open,
        "answer_count": len(answers),
        # Contact data of the answering companies: only for the requester's members.
        "answers": answers if is_requester else [],
        "own_answers": [a for a in answers if a.company_id in my_company_ids],
    }
    if help_request.is_open:
        if is_requester:
            context["close_form"] = close_form or CloseForm(
                answering=[answer.company for answer in answers]
            )
        else:
            may_answer = help_requests.companies_that_may_answer(user, help_request)
            if may_answer:
                context["answer_form"] = answer_form or AnswerForm(companies=may_answer)
            elif user.is_authenticated:
                context["cannot_answer"] = help_requests.why_cannot_answer(user, help_request)
    else:
        cooperation = cooperations.request_cooperation(help_request)
        if cooperation is not None and user.is_authenticated:
            context["cooperation"] = cooperation
            context["to_confirm"] = cooperations.parties_to_confirm(user, cooperation)
    return render(request, "companies/help_requests/detail.html", context, status=status)


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    help_request = _visible_request(request, pk)
    may_answer = help_requests.companies_that_may_answer(request.user, help_request)
    form = AnswerForm(request.POST, companies=may_answer)
    if not may_answer:
        messages.error(request, help_requests.why_cannot_answer(request.user, help_request))
        return redirect(help_request)
    if form.is_valid():
        try:
            help_requests.answer_request(
                help_request=help_request,
                company=form.cleaned_data["company"],
                author=request.user,
                message=form.cleaned_data["message"],
            )
        except help_requests.HelpRequestError as error:
            messages.error(request, str(error))
            return redirect(help_request)
        messages.success(
            request, _("Thank you. The company has your answer and your contact details.")
        )
        return redirect(help_request)
    return _render_detail(request, help_request, answer_form=form, status=400)


@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    help_request = _own_request(request, pk)
    answering = [a.company for a in help_requests.answers_for(help_request)]
    form = CloseForm(request.POST, answering=answering)
    if not form.is_valid():
        return _render_detail(request, help_request, close_form=form, status=400)
    helped_by = form.cleaned_data["helped_by"]
    try:
        help_requests.close_request(
            help_request=help_request, user=request.user, helped_by=helped_by
        )
    except help_requests.HelpRequestError as error:
        messages.error(request, str(error))
        return redirect(help_request)
    if helped_by:
        messages.success(
            request,
            _("The request is closed. %(company)s is asked to confirm the cooperation.")
            % {"company": helped_by.name},
        )
    else:
        messages.success(request, _("The request is closed."))
    return redirect(help_request)


@login_required
@require_POST
def confirm_cooperation(request: HttpRequest, pk: int) -> HttpResponse:
    help_request = _visible_request(request, pk)
    cooperation = cooperations.request_cooperation(help_request)
    if cooperation is None or not any(
        help_requests.is_member(request.user, party.company) for party in cooperation.parties.all()
    ):
        raise PermissionDenied
    if cooperations.confirm_cooperation(cooperation=cooperation, user=request.user):
        messages.success(request, _("Thank you. The cooperation is confirmed."))
    else:
        messages.info(request, _("Your company has already confirmed this cooperation."))
    return redirect(help_request)


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    help_request = _own_request(request, pk)
    if not help_request.is_open:
        messages.error(request, _("A closed request can no longer be changed."))
        return redirect(help_request)
    initial = {
        "title": help_request.title,
        "description": help_request.description,
        "tags": ", ".join(tag.name for tag in help_request.tags.all()),
        "deadline": help_request.deadline,
    }
    form = HelpRequestForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            help_requests.update_request(
                help_request=help_request, user=request.user, **form.request_fields()
            )
        except help_requests.HelpRequestError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect(help_request)
    return render(
        request,
        "companies/help_requests/form.html",
        {"form": form, "editing": True, "help_request": help_request},
        status=400 if form.errors else 200,
    )


@login_required
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    help_request = _own_request(request, pk)
    if not help_request.is_open:
        messages.error(request, _("A closed request can no longer be deleted."))
        return redirect(help_request)
    if request.method == "POST":
        try:
            help_requests.delete_request(help_request=help_request, user=request.user)
        except help_requests.HelpRequestError as error:
            messages.error(request, str(error))
            return redirect(help_request)
        messages.success(request, _("The request is deleted."))
        return redirect("help_requests:list")
    return render(
        request,
        "companies/help_requests/delete.html",
        {"help_request": help_request, "answer_count": help_request.offers.count()},
    )


# --- Weekly digest toggle ---------------------------------------------------------------------


@login_required
@require_POST
def digest_subscribe(request: HttpRequest) -> HttpResponse:
    if not Company.objects.filter(memberships__user=request.user).exists():
        messages.error(request, _("The weekly digest is for members of a company."))
    else:
        digest.subscribe(user=request.user)
        messages.success(
            request,
            _("You will get an e-mail once a week when new requests match your offers."),
        )
    return redirect(reverse("help_requests:list"))


@login_required
@require_POST
def digest_unsubscribe(request: HttpRequest) -> HttpResponse:
    digest.unsubscribe(user=request.user)
    messages.success(request, _("You will no longer get the weekly digest."))
    return redirect(reverse("help_requests:list"))
