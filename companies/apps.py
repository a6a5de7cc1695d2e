from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompaniesConfig(AppConfig):
    name = "companies"
    verbose_name = _("Companies")

    def ready(self) -> None:
        from kag_portal import demo

        from . import demo as companies_demo

        demo.register(10, "towns", companies_demo.seed_towns)
        # After the demo people (0): some of them own demo companies.
        demo.register(20, "companies", companies_demo.seed_companies)

        from kag_portal import me_sections

        from .views.directory import me_section

        # It shows the person's memberships, their companies, partners and matching requests.
        me_sections.register(
            10, "companies", me_section, scopes=("directory", "memberships", "help_requests")
        )

        from .views import staff

        # For KAG staff: links to the review queue, tags, import and export.
        me_sections.register(5, "staff_companies", staff.me_section, scopes=("directory",))

        from kag_portal import personal_data

        from .services import help_requests

        # Requests and answers a person wrote, and their weekly digest subscription.
        personal_data.register(
            "requests", help_requests.export_personal_data, help_requests.delete_personal_data
        )

        self._register_profiles_and_members()
        self._register_onboarding()
        _invalidate_directory()

    def _register_onboarding(self) -> None:
        from allauth.account.signals import email_confirmed

        from kag_portal import onboarding

        from . import onboarding as companies_onboarding

        # "Unternehmen registrieren" leads into the company wizard; an invitation link
        # prefills the sign-up and, once its address is confirmed, makes the person a member.
        onboarding.register_invitation(companies_onboarding.signup_invitation)
        onboarding.register_next_step(10, companies_onboarding.next_step)
        email_confirmed.connect(
            companies_onboarding.accept_on_confirmation, dispatch_uid="companies-invitation"
        )

    def _register_profiles_and_members(self) -> None:
        from kag_portal import me_sections, personal_data

        from .services import personal_data as company_data
        from .views.members import invitation_in_session
        from .views.members import me_section as invitations_section

        # Memberships, requests to join, invitations, consents; the last owner's companies
        # block the account deletion until they are handed over or deleted.
        personal_data.register(
            "companies", company_data.export, company_data.delete, company_data.blockers
        )
        # Open invitations to join a company, above the person's companies.
        # An invitation opened before signing up lives in the session: then not kept.
        me_sections.register(
            9,
            "companies_invitations",
            invitations_section,
            scopes=("memberships",),
            uncached_when=invitation_in_session,
        )


def _invalidate_directory() -> None:
    """The cached parts of the directory and the partner lists ("directory" scope: cards,
    filter choices, each company's partners; companies/services/matching.py and views/directory.py)
    show companies (name, texts, status and consent, logo, town, industry, size, trainee places),
    their offers, needs and certifications, towns, industries and tag names: any save or delete
    of those rows, or a change of a company's tag lists, makes them stale. A company deleted by
    its owner is anonymised by an update() that sends no signal: services.profiles.delete_company
    bumps the scope itself."""
    from kag_portal import caching

    from .models import Certification, Company, Industry, Tag, Town

    caching.invalidate_on_change("directory", Company, Tag, Town, Industry, Certification)

    from allauth.account.models import EmailAddress

    from .models import HelpOffer, HelpRequest, Invitation, JoinRequest, Membership

    # "Mein Bereich" (me_sections.py): who belongs to which company in which role, open
    # invitations to a person's verified addresses, and the open requests with their answers.
    caching.invalidate_on_change("memberships", Membership, JoinRequest, Invitation, EmailAddress)
    caching.invalidate_on_change("help_requests", HelpRequest, HelpOffer)
