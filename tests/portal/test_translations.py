"""German is the default language: every string must have a German translation."""

from __future__ import annotations

import gettext
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
GERMAN_PO = ROOT / "locale" / "de" / "LC_MESSAGES" / "django.po"


def german_catalogue() -> polib.POFile:
    return polib.pofile(str(GERMAN_PO))


def test_every_german_entry_is_translated():
    untranslated = [entry.msgid for entry in german_catalogue().untranslated_entries()]

    assert untranslated == []


def test_no_german_entry_is_fuzzy():
    fuzzy = [entry.msgid for entry in german_catalogue().fuzzy_entries()]

    assert fuzzy == []


def test_the_compiled_catalogue_matches_the_source():
    with GERMAN_PO.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)

    def compiled_text(entry: polib.POEntry) -> str:
        if entry.msgctxt:
            return compiled.pgettext(entry.msgctxt, entry.msgid)
        return compiled.gettext(entry.msgid)

    stale = [
        entry.msgid
        for entry in german_catalogue().translated_entries()
        if not entry.msgid_plural and compiled_text(entry) != entry.msgstr
    ]

    assert stale == [], "run `make messages` (or manage.py compile_catalogues)"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext (xgettext)")
def test_every_string_in_the_code_is_in_the_german_catalogue(tmp_path):
    # Extract the strings from a copy of the project, as `make messages` would, and compare.
    copy = tmp_path / "project"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(".venv", "var", ".git", "node_modules", "__pycache__"),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "de", "--no-obsolete",
         "--ignore", "tests/*", "--ignore", "static/vendor/*", "--ignore", "var/*"],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    extracted = polib.pofile(str(copy / "locale" / "de" / "LC_MESSAGES" / "django.po"))
    committed = {(entry.msgctxt, entry.msgid) for entry in german_catalogue()}
    missing = sorted(
        entry.msgid for entry in extracted if (entry.msgctxt, entry.msgid) not in committed
    )

    assert missing == [], "run `make messages` and translate the new strings"
