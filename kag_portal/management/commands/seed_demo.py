from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from kag_portal import demo


class Command(BaseCommand):
    help = "Load the demo region (towns, people, …). Safe to run again: nothing is duplicated."

    def handle(self, *args, **options) -> None:
        # The loaders the apps registered (kag_portal/demo.py), in the order of the layers.
        with transaction.atomic():
            for _name, loader in demo.loaders():
                loader(lambda line: self.stdout.write(f"  {line}"))
        self.stdout.write(self.style.SUCCESS("Demo region loaded. Log in with:"))
        for email, name, is_staff in demo.DEMO_PEOPLE:
            role = "staff" if is_staff else "member"
            self.stdout.write(f"  {email:32} {demo.DEMO_PASSWORD}   ({role}, {name})")
