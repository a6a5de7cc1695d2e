from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from kag_portal import demo

DEMO_PASSWORD = "kag-demo-2026"  # noqa: S105 - printed on purpose: fictional demo accounts
DEMO_PEOPLE = [
    # (e-mail, display name, staff?) – fictional people only.
    ("team@kag-demo.de", "Karla Gebhardt (KAG-Team)", True),
    ("inhaberin@spannwerk-demo.de", "Ines Hollerbach", False),
    ("leitung@feinwerk-demo.de", "Moritz Aschenbrenner", False),
    ("chef@glaswerk-demo.de", "Theo Ruppert", False),
]


def seed_people(say) -> None:
    from allauth.account.models import EmailAddress
    from django.contrib.auth.models import Group

    from kag_portal.models import User

    staff_group = Group.objects.get(name="KAG-Team")

    for email, name, is_staff in DEMO_PEOPLE:
        user, created = User.objects.get_or_create(
            email=email, defaults={"display_name": name, "is_staff": is_staff}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        if is_staff:
            user.groups.add(staff_group)
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
    say(f"people: {len(DEMO_PEOPLE)} demo accounts")


demo.register(0, "people", seed_people)


class Command(BaseCommand):
    help = "Load the demo region (towns, people, …). Safe to run again: nothing is duplicated."

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            for _name, loader in demo.loaders():
                loader(lambda line: self.stdout.write(f"  {line}"))
        self.stdout.write(self.style.SUCCESS("Demo region loaded. Log in with:"))
        for email, name, is_staff in DEMO_PEOPLE:
            role = "staff" if is_staff else "member"
            self.stdout.write(f"  {email:32} {DEMO_PASSWORD}   ({role}, {name})")
