from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from ..models import Town

# The four towns of the "Kommunale Arbeitsgemeinschaft für ein Oberzentrum Südthüringen".
KAG_TOWNS = [
    ("Oberhof", "oberhof"),
    ("Schleusingen", "schleusingen"),
    ("Suhl", "suhl"),
    ("Zella-Mehlis", "zella-mehlis"),
]
# Neighbouring towns of the region whose firms take part too.
REGION_TOWNS = [
    ("Schmalkalden", "schmalkalden"),
    ("Hildburghausen", "hildburghausen"),
    ("Meiningen", "meiningen"),
    ("Ilmenau", "ilmenau"),
]


@transaction.atomic
def seed_towns(say: Callable[[str], None]) -> None:
    for towns, is_member in ((KAG_TOWNS, True), (REGION_TOWNS, False)):
        for name, slug in towns:
            Town.objects.update_or_create(
                slug=slug, defaults={"name": name, "is_kag_member": is_member}
            )
    say(f"towns: {Town.objects.filter(is_kag_member=True).count()} KAG towns")
