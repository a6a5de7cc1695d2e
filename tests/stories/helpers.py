"""Cooperations and stories for the stories tests (the factories for other apps are in
tests/factories.py)."""

from __future__ import annotations

from django.utils import timezone

from companies.models import Company, Cooperation, CooperationParty
from stories import services
from stories.models import Story
from tests.factories import CompanyFactory, MembershipFactory


def cooperation_of(*companies: Company, confirmed: bool = True) -> Cooperation:
    cooperation = Cooperation.objects.create(
        description="Sonder-Spannzangen für Gewindespindeln",
        started_on=timezone.localdate(),
        origin=Cooperation.Origin.EVENT,
    )
    for index, company in enumerate(companies):
        CooperationParty.objects.create(
            cooperation=cooperation,
            company=company,
            confirmed_at=timezone.now() if confirmed or index == 0 else None,
        )
    return cooperation


def two_firms() -> tuple[Company, Company, object, object]:
    """Two published companies, each with an owner: (spannwerk, feinwerk, owner, owner)."""
    spannwerk = CompanyFactory(published=True, name="Spannwerk GmbH", slug="spannwerk")
    feinwerk = CompanyFactory(published=True, name="Feinwerk GmbH", slug="feinwerk")
    return (
        spannwerk,
        feinwerk,
        MembershipFactory(company=spannwerk).user,
        MembershipFactory(company=feinwerk).user,
    )


def story_about(cooperation: Cooperation, *, author=None, **text) -> Story:
    return services.create_story(
        cooperation=cooperation,
        author=author,
        title=text.get("title", "Vom Speed-Dating an die Drehbank"),
        lead=text.get("lead", "Acht Minuten am Stehtisch."),
        body=text.get("body", "> „Wahrscheinlich nicht.“"),
        event=text.get("event"),
    )
