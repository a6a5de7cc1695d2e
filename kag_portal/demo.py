"""The demo region of `manage.py seed_demo`: the registry of demo loaders, and the demo people.

Each app keeps its demo data in `<app>/demo.py` and registers its loaders in its
AppConfig.ready() with `demo.register(order, name, loader)`, so this lower layer never imports
a higher app. The command runs the loaders by order, following the layers: people (0), towns
(10), companies (20), events (30), seat plans (40), stories (50), follow-up marks (90),
the impact history (95), the coming evening's seat plan (96). Every loader must be idempotent
(get_or_create / update_or_create, or "made once" checks), so seed_demo can run on every start.
"""

from __future__ import annotations

from collections.abc import Callable

Say = Callable[[str], None]
Loader = Callable[[Say], None]

DEMO_PASSWORD = "kag-demo-2026"  # noqa: S105 - printed on purpose: fictional demo accounts
DEMO_PEOPLE = [
    # (e-mail, display name, staff?) – fictional people only.
    ("team@kag-demo.de", "Karla Gebhardt (KAG-Team)", True),
    ("inhaberin@spannwerk-demo.de", "Ines Hollerbach", False),
    ("leitung@feinwerk-demo.de", "Moritz Aschenbrenner", False),
    ("chef@glaswerk-demo.de", "Theo Ruppert", False),
]

_loaders: list[tuple[int, str, Loader]] = []


def register(order: int, name: str, loader: Loader) -> None:
    if all(existing != name for _o, existing, _l in _loaders):
        _loaders.append((order, name, loader))


def loaders() -> list[tuple[str, Loader]]:
    return [(name, loader) for _order, name, loader in sorted(_loaders, key=lambda item: item[0])]


def seed_people(say: Say) -> None:
    """The demo logins, with a verified address; the staff one in the KAG-Team group."""
    from django.contrib.auth.models import Group

    staff_group = Group.objects.get(name="KAG-Team")
    for email, name, is_staff in DEMO_PEOPLE:
        _demo_person(email, name, staff_group if is_staff else None)
    say(f"people: {len(DEMO_PEOPLE)} demo accounts")


def _demo_person(email: str, name: str, staff_group) -> None:
    from allauth.account.models import EmailAddress

    from kag_portal.models import User

    user, created = User.objects.get_or_create(
        email=email, defaults={"display_name": name, "is_staff": staff_group is not None}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    if staff_group is not None:
        user.groups.add(staff_group)
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
