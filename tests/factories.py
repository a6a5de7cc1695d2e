from __future__ import annotations

import factory
from allauth.account.models import EmailAddress

from companies.models import Town
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

            self.groups.add(Group.objects.get(name="KAG-Team"))


class TownFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Town
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Ort {n}")
    slug = factory.Sequence(lambda n: f"ort-{n}")
