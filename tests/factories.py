from __future__ import annotations

from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from companies.models import Company, Membership, Tag, Town
from companies.tags import normalize_tag
from kag_portal.models import User

DEFAULT_PASSWORD = "Sicheres-Passwort-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@firma-{n}.example")
    display_name = factory.Faker("name", locale="de_DE")
    preferred_language = "de"
    password = factory.django.Password(DEFAULT_PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        # allauth refuses to log in an address that was never verified.
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class StaffFactory(UserFactory):
    """A member of the KAG team: staff, in the KAG-Team group (created by a migration)."""

    is_staff = True

    @factory.post_generation
    def kag_team(self, create, extracted, **kwargs):
        if create:
            from django.contrib.auth.models import Group

            # Migration 0003 creates the group; live-server tests empty the tables, so make sure.
            team, _created = Group.objects.get_or_create(name="KAG-Team")
            self.groups.add(team)


class TownFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Town
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Ort {n}")
    slug = factory.Sequence(lambda n: f"ort-{n}")


class TagFactory(factory.django.DjangoModelFactory):
    """A tag; its key follows companies.tags.normalize_tag, as get_or_create_tags makes it."""

    class Meta:
        model = Tag
        django_get_or_create = ["key"]

    name = factory.Sequence(lambda n: f"Stichwort {n}")
    key = factory.LazyAttribute(lambda tag: normalize_tag(tag.name))


class CompanyFactory(factory.django.DjangoModelFactory):
    """A draft company; `CompanyFactory(published=True)` is public (status and consent)."""

    class Meta:
        model = Company
        skip_postgeneration_save = True

    class Params:
        published = factory.Trait(
            status=Company.Status.PUBLISHED,
            public_consent_at=factory.LazyFunction(timezone.now),
            published_at=factory.LazyFunction(timezone.now),
        )

    name = factory.Sequence(lambda n: f"Firma {n} GmbH")
    slug = factory.Sequence(lambda n: f"firma-{n}")
    town = factory.SubFactory(TownFactory)
    short_description = "Wir fertigen Präzisionsteile."
    public_email = factory.LazyAttribute(lambda company: f"info@{company.slug}.example")

    @factory.post_generation
    def offers(self, create, extracted, **kwargs):
        # CompanyFactory(offers=["Spannzangen", "Härten"]) or a list of Tag objects.
        if create and extracted:
            self.offers.set([TagFactory(name=t) if isinstance(t, str) else t for t in extracted])

    @factory.post_generation
    def needs(self, create, extracted, **kwargs):
        if create and extracted:
            self.needs.set([TagFactory(name=t) if isinstance(t, str) else t for t in extracted])


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    company = factory.SubFactory(CompanyFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.OWNER


class EventFactory(factory.django.DjangoModelFactory):
    """A published network evening in two weeks with 20 places; `status="draft"` etc. to change."""

    class Meta:
        model = "events.Event"

    title = factory.Sequence(lambda n: f"Netzwerkabend {n}")
    format = "network_evening"
    venue_name = "Rathaussaal"
    venue_street = "Marktplatz 1"
    venue_postal_code = "98527"
    town = factory.SubFactory(TownFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))
    ends_at = factory.LazyAttribute(lambda event: event.starts_at + timedelta(hours=3))
    registration_deadline = factory.LazyAttribute(lambda event: event.starts_at - timedelta(days=1))
    capacity = 20
    status = "published"
