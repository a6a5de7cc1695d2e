"""German is the default language: every string must have a German translation, and the portal
addresses people as "Sie", also where the words come from allauth."""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest

from kag_portal.models import OutboxMail

ROOT = Path(__file__).resolve().parents[2]
GERMAN_PO = ROOT / "locale" / "de" / "LC_MESSAGES" / "django.po"
# Rewords third-party strings: allauth's "du" into "Sie", Django's "Sichern" into "Speichern".
OVERRIDES_PO = ROOT / "locale_overrides" / "de" / "LC_MESSAGES" / "django.po"
CATALOGUES = pytest.mark.parametrize(
    "po_path", [GERMAN_PO, OVERRIDES_PO], ids=["locale", "locale_overrides"]
)


def german_catalogue(po_path: Path = GERMAN_PO) -> polib.POFile:
    return polib.pofile(str(po_path))


@CATALOGUES
def test_every_german_entry_is_translated(po_path):
    untranslated = [entry.msgid for entry in german_catalogue(po_path).untranslated_entries()]

    assert untranslated == []


@CATALOGUES
def test_no_german_entry_is_fuzzy(po_path):
    catalogue = german_catalogue(po_path)
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]

    assert fuzzy == []
    assert not catalogue.metadata_is_fuzzy


@CATALOGUES
def test_the_compiled_catalogue_matches_the_source(po_path):
    with po_path.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)

    def compiled_text(entry: polib.POEntry) -> str:
        if entry.msgctxt:
            return compiled.pgettext(entry.msgctxt, entry.msgid)
        return compiled.gettext(entry.msgid)

    stale = [
        entry.msgid
        for entry in german_catalogue(po_path).translated_entries()
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


# --- The portal says "Sie", not "du" --------------------------------------------------------------

INFORMAL = re.compile(r"\b(du|dein|deine|deinen|deinem|deiner|deines|dich|dir)\b", re.IGNORECASE)
SIGNUP = {
    "display_name": "Sabine Weiß",
    "email": "sabine.weiss@tischlerei-weiss.example",
    "password1": "Fichtenholz-Tisch-2026",
    "password2": "Fichtenholz-Tisch-2026",
}


class _VisibleText(HTMLParser):
    """The text a person sees or hears: text nodes plus labels kept in attributes."""

    ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1
        self.parts.extend(value for name, value in attrs if name in self.ATTRIBUTES and value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def informal_words(text: str) -> list[str]:
    return INFORMAL.findall(text)


@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
)
def test_the_german_account_pages_say_sie_not_du(client, path):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="de")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="de">' in html
    text = visible_text(html)
    assert re.search(r"\bSie\b", text), text
    assert informal_words(text) == [], text


@pytest.mark.django_db
def test_the_german_signup_and_its_verification_mail_say_sie_not_du(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/signup/", SIGNUP, HTTP_ACCEPT_LANGUAGE="de", follow=True)

    # The page after signing up: "we have sent you an e-mail".
    page = visible_text(response.content.decode())
    assert "E-Mail-Adresse bestätigen" in page
    assert informal_words(page) == [], page
    mail = OutboxMail.objects.get(to_email=SIGNUP["email"])
    assert mail.language == "de"
    assert "/accounts/confirm-email/" in mail.body_text
    assert re.search(r"\bSie\b", mail.body_text), mail.body_text
    assert informal_words(mail.subject) == [], mail.subject
    assert informal_words(mail.body_text) == [], mail.body_text
    assert informal_words(visible_text(mail.body_html)) == [], mail.body_html


def test_informal_words_are_found_as_whole_words_only():
    assert informal_words("Bestätige deine Adresse, dann melde dich an. Hast du Fragen?") == [
        "deine",
        "dich",
        "du",
    ]
    assert informal_words("Durchsetzungsverfahren, Dirigent, Sie und Ihr Konto") == []
