"""Members of a company: asking to join, deciding, inviting, roles, leaving.

Owners manage members; every member sees who else belongs to the company; nobody outside sees
members, requests or invitations.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kag_portal.confirmation import ask_first

from ..forms.members import InviteForm, JoinRequestForm, JoinSearchForm, RoleForm
from ..models import Company, Invitation, JoinRequest, Membership
from ..services import members as service
from .profile import _context, company_for_member, company_for_owner

SEARCH_RESULTS = 20
# The invitation a person opened before they had an account (companies/onboarding.py reads it at
# sign-up); shown on "Mein Bereich" later.
SESSION_INVITATION = "companies_invitation"


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- Asking to join -----------------------------------------------------------------------------


@login_required
def join_search(request: HttpRequest) -> HttpResponse:
    """Find a published company by name to ask to join it."""
    form = JoinSearchForm(request.GET or None)
    results: list[Company] = []
    query = ""
    if form.is_valid():
        query = " ".join(form.cleaned_data["q"].split())
    if query:
        results = list(
            Company.objects.filter(
                status=Company.Status.PUBLISHED,
                public_consent_at__isnull=False,
                name__icontains=query,
            )
            .select_related("town")
            .order_by("name")[:SEARCH_RESULTS]
        )
    ids = [company.pk for company in results]
    member_of = set(
        Membership.objects.filter(user=request.user, company_id__in=ids).values_list(
            "company_id", flat=True
        )
    )
    pending = set(
        JoinRequest.objects.filter(
            user=request.user, company_id__in=ids, status=JoinRequest.Status.PENDING
        ).values_list("company_id", flat=True)
    )
    return render(
        request,
        "companies/profile/join_search.html",
        {
            "form": form,
            "query": query,
            "results": [(c, c.pk in member_of, c.pk in pending) for c in results],
        },
    )


@login_required
def join(request: HttpRequest, slug: str) -> HttpResponse:
    company = get_object_or_404(Company.objects.select_related("town"), slug=slug)
    is_member = Membership.objects.filter(company=company, user=request.user).exists()
    if not company.is_public and not is_member:
        raise Http404
    if is_member:
        messages.info(request, _("You are a member of this company already."))
        return redirect("companies:members", slug=company.slug)
    pending = JoinRequest.objects.filter(
        company=company, user=request.user, status=JoinRequest.Status.PENDING
    ).first()
    form = JoinRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service.request_to_join(
                company=company, user=request.user, message=form.cleaned_data["message"]
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
            return redirect("companies:join_search")
        messages.success(
            request,
            _("Your request has been sent to the owners of “%(name)s”. They decide by e-mail.")
            % {"name": company.name},
        )
        return redirect("companies:join_search")
    return render(
        request,
        "companies/profile/join.html",
        {"company": company, "form": form, "pending": pending},
    )


# --- The members page ---------------------------------------------------------------------------


@login_required
def members(request: HttpRequest, slug: str) -> HttpResponse:
    company, membership = company_for_member(request, slug)
    is_owner = membership.role == Membership.Role.OWNER
    memberships = list(
        company.memberships.select_related("user")
        .annotate(
            owner_first=Case(
                When(role=Membership.Role.OWNER, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("owner_first", "user__display_name", "pk")
    )
    context = _context(
        company,
        membership,
        "members",
        memberships=memberships,
        owner_count=sum(1 for m in memberships if m.role == Membership.Role.OWNER),
        roles=Membership.Role,
    )
    if is_owner:
        context["join_requests"] = list(
            company.join_requests.filter(status=JoinRequest.Status.PENDING)
            .select_related("user")
            .order_by("created_at")
        )
        context["invitations"] = [
            invitation
            for invitation in company.invitations.filter(accepted_at=None)
            .select_related("invited_by")
            .order_by("-created_at")
            if service.invitation_is_open(invitation)
        ]
    return render(request, "companies/profile/members.html", context)


def _back_to_members(company: Company) -> HttpResponse:
    return redirect("companies:members", slug=company.slug)


@require_POST
@login_required
def change_role(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    company, _membership = company_for_owner(request, slug)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose a role."))
        return _back_to_members(company)
    try:
        changed = service.change_role(
            company=company,
            membership_id=membership_id,
            role=form.cleaned_data["role"],
            by=request.user,
        )
    except Membership.DoesNotExist:
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            _("%(name)s is now %(role)s.")
            % {"name": changed.user.get_short_name(), "role": changed.get_role_display()},
        )
    return _back_to_members(company)


@require_http_methods(["GET", "POST"])
@login_required
def remove_member(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    """GET asks first, POST removes (owners only)."""
    company, membership = company_for_owner(request, slug)
    if request.method == "GET":
        removed = get_object_or_404(
            Membership.objects.select_related("user"), pk=membership_id, company=company
        )
        if removed.pk == membership.pk:
            return redirect("companies:leave", slug=company.slug)
        return ask_first(
            request,
            title=_("Remove the member?"),
            subject=f"{removed.user.get_short_name()} ({removed.user.email})",
            consequences=[
                _(
                    "%(person)s can no longer edit the profile of “%(company)s” or register "
                    "people for events in its name. Registrations made so far stay."
                )
                % {"person": removed.user.get_short_name(), "company": company.name},
                _("To come back, they need a new invitation."),
            ],
            confirm_label=_("Yes, remove the member"),
            back_url=reverse("companies:members", args=[company.slug]),
        )
    try:
        service.remove_member(company=company, membership_id=membership_id, by=request.user)
    except Membership.DoesNotExist:
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return _back_to_members(company)
    if membership_id == membership.pk:
        messages.success(request, _("You have left “%(name)s”.") % {"name": company.name})
        return redirect("me")
    messages.success(request, _("The member has been removed."))
    return _back_to_members(company)


@require_POST
@login_required
def transfer_ownership(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    company, _membership = company_for_owner(request, slug)
    try:
        target = service.transfer_ownership(
            company=company, membership_id=membership_id, by=request.user
        )
    except Membership.DoesNotExist:
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            _("%(name)s is now the owner. You stay in the company as an editor.")
            % {"name": target.user.get_short_name()},
        )
    return _back_to_members(company)


@require_http_methods(["GET", "POST"])
@login_required
def leave(request: HttpRequest, slug: str) -> HttpResponse:
    """GET asks first, POST leaves."""
    company, _membership = company_for_member(request, slug)
    if request.method == "GET":
        return ask_first(
            request,
            title=_("Leave the company?"),
            subject=company.name,
            consequences=[
                _(
                    "You can no longer edit the profile of “%(company)s” or register people for "
                    "events in its name. Registrations made so far stay."
                )
                % {"company": company.name},
                _("To come back, a member must invite you again, or you ask to join."),
            ],
            confirm_label=_("Yes, leave the company"),
            back_url=reverse("companies:members", args=[company.slug]),
        )
    try:
        service.leave_company(company=company, user=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return _back_to_members(company)
    messages.success(request, _("You have left “%(name)s”.") % {"name": company.name})
    return redirect("me")


# --- Deciding on a request to join --------------------------------------------------------------


@login_required
def join_request(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The page the owners' mail links to: approve or decline (owners only)."""
    company, membership = company_for_owner(request, slug)
    join_request = get_object_or_404(
        JoinRequest.objects.select_related("user", "decided_by"), pk=pk, company=company
    )
    if request.method == "POST":
        decision = request.POST.get("decision")
        if decision not in ("approve", "decline"):
            messages.error(request, _("Please choose: approve or decline."))
        else:
            try:
                service.decide_join_request(
                    join_request=join_request, approve=decision == "approve", by=request.user
                )
            except ValidationError as error:
                messages.error(request, _error_text(error))
            else:
                name = join_request.user.get_short_name()
                if decision == "approve":
                    messages.success(request, _("%(name)s is now a member.") % {"name": name})
                else:
                    messages.success(
                        request, _("The request of %(name)s has been declined.") % {"name": name}
                    )
                return _back_to_members(company)
        return redirect("companies:join_request", slug=company.slug, pk=join_request.pk)
    return render(
        request,
        "companies/profile/join_request.html",
        _context(
            company, membership, "members", join_request=join_request, statuses=JoinRequest.Status
        ),
    )


# --- Invitations --------------------------------------------------------------------------------


@login_required
def invite(request: HttpRequest, slug: str) -> HttpResponse:
    company, membership = company_for_owner(request, slug)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = service.invite(
                company=company,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error("email", error)
        else:
            messages.success(
                request,
                _("The invitation has been sent to %(email)s. The link is valid for 14 days.")
                % {"email": invitation.email},
            )
            return _back_to_members(company)
    return render(
        request,
        "companies/profile/invite.html",
        _context(company, membership, "members", form=form),
    )


@require_POST
@login_required
def revoke_invitation(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    company, _membership = company_for_owner(request, slug)
    service.revoke_invitation(company=company, invitation_id=pk, by=request.user)
    messages.success(request, _("The invitation has been withdrawn. Its link no longer works."))
    return _back_to_members(company)


def _invitation_or_none(token: str) -> Invitation | None:
    try:
        return service.read_invitation_token(token)
    except (signing.BadSignature, Invitation.DoesNotExist, KeyError, TypeError):
        return None


def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the invitation mail. Works without an account: the person signs up or
    logs in (coming back here via ?next=) and then accepts."""
    invitation = _invitation_or_none(token)
    if invitation is None or not service.invitation_is_open(invitation):
        return render(
            request,
            "companies/profile/invitation_invalid.html",
            {"invitation": invitation},
            status=404,
        )
    here = request.get_full_path()
    if not request.user.is_authenticated:
        if request.method == "POST":
            return redirect(f"{reverse('account_login')}?{urlencode({'next': here})}")
        # Kept in the session, not in the sign-up's URL: the sign-up starts with the invited
        # address and confirming it accepts (companies/onboarding.py); "Mein Bereich" offers it.
        request.session[SESSION_INVITATION] = token
        return render(
            request,
            "companies/profile/invitation.html",
            {
                "invitation": invitation,
                "next": here,
                "invited_address": service.masked_address(invitation.email),
            },
        )
    already = Membership.objects.filter(company=invitation.company, user=request.user).first()
    address = service.invited_address_of(invitation, request.user)
    # Only the account that confirmed the invited address accepts; anyone else is told how to
    # become that account, and the link stays usable.
    wrong_account = address is None or not address.verified
    if request.method == "POST" and not wrong_account:
        try:
            service.accept_invitation(invitation=invitation, user=request.user)
        except ValidationError as error:
            messages.error(request, _error_text(error))
            return redirect("me")
        request.session.pop(SESSION_INVITATION, None)
        messages.success(
            request,
            _("Welcome! You are now a member of “%(name)s”.") % {"name": invitation.company.name},
        )
        return redirect("companies:edit", slug=invitation.company.slug)
    return render(
        request,
        "companies/profile/invitation.html",
        {
            "invitation": invitation,
            "next": here,
            # Accepting changes nothing for a member whose role is at least the invited one.
            "already_member": already is not None
            and (
                already.role == Membership.Role.OWNER or invitation.role == Membership.Role.EDITOR
            ),
            "wrong_account": wrong_account,
            "unconfirmed": address is not None and not address.verified,
            "invited_address": service.masked_address(invitation.email),
            "login_again": f"{reverse('account_login')}?{urlencode({'next': here})}",
        },
        status=403 if request.method == "POST" else 200,
    )


def invitation_in_session(request: HttpRequest) -> bool:
    return bool(request.session.get(SESSION_INVITATION))


def me_section(request: HttpRequest) -> tuple[str, dict] | None:
    """Open invitations on "Mein Bereich": to the person's verified addresses, and the one
    they opened before they had an account."""
    invitations = service.open_invitations_for(request.user)
    links = [
        (i, reverse("companies:accept_invitation", args=[service.invitation_token(i)]))
        for i in invitations
    ]
    token = request.session.get(SESSION_INVITATION)
    if token:
        pending = _invitation_or_none(token)
        if (
            pending is not None
            and service.invitation_is_open(pending)
            and all(i.pk != pending.pk for i in invitations)
            and not Membership.objects.filter(company=pending.company, user=request.user).exists()
        ):
            # The very link the person opened (a new token would carry another timestamp).
            links.insert(0, (pending, reverse("companies:accept_invitation", args=[token])))
    if not links:
        return None
    return "companies/profile/me_invitations.html", {"invitations": links}
