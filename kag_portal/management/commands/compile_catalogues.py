from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    """compilemessages without GNU gettext: polib writes the .mo files."""

    help = "Compile locale/*/LC_MESSAGES/*.po to .mo in pure Python."

    def handle(self, *args, **options) -> None:
        try:
            import polib
        except ImportError as error:
            raise CommandError("polib is missing: install the dev dependencies") from error
        for locale_path in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_path).glob("*/LC_MESSAGES/*.po")):
                catalogue = polib.pofile(str(po_path))
                catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
                self.stdout.write(f"compiled {po_path} ({catalogue.percent_translated()} %)")
