"""A published story on a phone: readable, axe clean, printable; the owner's approval page too.
Screenshot at /tmp/story.png to look at."""

from __future__ import annotations

import io
import re

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from stories import services
from tests.browser.axe import assert_accessible
from tests.browser.helpers import screenshot
from tests.factories import DEFAULT_PASSWORD, EventFactory, StaffFactory
from tests.stories.helpers import cooperation_of, story_about, two_firms

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = """\
Beim Netzwerkabend der KAG saßen sich die beiden in der zweiten Runde gegenüber.

> „Dass das zwölf Kilometer entfernt jemand kann, wussten wir schlicht nicht.“
> — Moritz Aschenbrenner, Feinwerk Suhl

## Was die beiden zusammen machen

- Spannwerk fertigt **mitlaufende Sonder-Spannzangen** für Feinwerks Gewindespindeln.
- Feinwerk kalibriert Spannwerks Prüfmittel.

> „Wäre das ohne die KAG passiert? Wahrscheinlich nicht.“
"""


def photo() -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", (1200, 800), (29, 91, 58))
    image.paste((230, 230, 220), (100, 100, 700, 500))
    image.save(buffer, format="JPEG")
    return buffer.getvalue()


@pytest.fixture
def story(settings, tmp_path, towns):
    settings.MEDIA_ROOT = str(tmp_path)
    spannwerk, feinwerk, spannwerk_owner, feinwerk_owner = two_firms()
    event = EventFactory(
        title="Netzwerkabend mit Speed-Dating",
        status="finished",
        starts_at=timezone.now() - timezone.timedelta(days=60),
    )
    story = story_about(
        cooperation_of(spannwerk, feinwerk),
        title="Vom Speed-Dating an die Drehbank",
        lead="Acht Minuten am Stehtisch, dann war klar: Was Feinwerk seit Jahren im Ausland "
        "bestellt, fertigt man zwölf Kilometer entfernt.",
        body=BODY,
        event=event,
    )
    services.add_image(story=story, content=photo(), alt_text="Zwei Menschen an einer Drehbank")
    story = services.submit_for_approval(story=story)
    services.release(story=story, by=StaffFactory())
    services.approve(story=story, user=spannwerk_owner)
    return story, feinwerk_owner


def test_a_published_story_reads_well_on_a_phone_and_prints(page, story, site_pages):
    story, feinwerk_owner = story
    # The owner approves the last: the story goes public.
    page.goto(f"/accounts/login/?next=/stories/{story.pk}/approve/")
    page.locator("input[name='login']").fill(feinwerk_owner.email)
    page.locator("input[name='password']").fill(DEFAULT_PASSWORD)
    page.locator("main button[type='submit']").click()
    expect(page).to_have_url(re.compile(rf"/stories/{story.pk}/approve/$"))
    assert_accessible(page)
    page.locator("button[name='action'][value='approve']").click()
    expect(page.locator(".alert-success")).to_be_visible()

    page.goto(f"/stories/{story.pk}/")
    expect(page.locator("h1")).to_have_text("Vom Speed-Dating an die Drehbank")
    expect(page.locator(".story-figure img")).to_have_attribute(
        "alt", "Zwei Menschen an einer Drehbank"
    )
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)
    page.screenshot(path="/tmp/story.png", full_page=True)

    page.emulate_media(media="print")
    expect(page.locator("nav.site-navbar")).to_be_hidden()
    expect(page.locator(".story-body")).to_be_visible()
    screenshot(page, "story-print")

    page.emulate_media(media="screen")
    page.goto("/")
    expect(page.get_by_role("link", name="Vom Speed-Dating an die Drehbank")).to_be_visible()
    assert_accessible(page)
    page.goto("/companies/feinwerk/")
    expect(page.get_by_role("link", name="Vom Speed-Dating an die Drehbank")).to_be_visible()


def test_staff_write_a_story_and_ask_for_approval_on_a_phone(page, towns, site_pages):
    spannwerk, feinwerk, _spannwerk_owner, feinwerk_owner = two_firms()
    cooperation_of(spannwerk, feinwerk)
    staff = StaffFactory()
    page.goto("/accounts/login/?next=/staff/stories/")
    page.locator("input[name='login']").fill(staff.email)
    page.locator("input[name='password']").fill(DEFAULT_PASSWORD)
    page.locator("main button[type='submit']").click()
    expect(page).to_have_url(re.compile(r"/staff/stories/$"))
    assert_accessible(page)

    page.locator("main a[href='/staff/stories/new/']").first.click()
    assert_accessible(page)
    page.locator("select[name='cooperation']").select_option(index=1)
    page.locator("input[name='title']").fill("Zwölf Kilometer statt Schweiz")
    page.locator("textarea[name='lead']").fill("Wie zwei Betriebe sich fanden.")
    page.locator("textarea[name='body']").fill("> „Wahrscheinlich nicht.“")
    page.locator("main button[type='submit']").click()
    expect(page.locator("h1")).to_have_text("Zwölf Kilometer statt Schweiz")
    assert_accessible(page)

    page.locator("form[action$='/submit/'] button").click()
    page.locator("form[action$='/publish/'] button").click()
    expect(page.locator(".alert-info")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "story-staff-detail")

    from kag_portal.models import OutboxMail

    assert OutboxMail.objects.filter(to_email=feinwerk_owner.email).exists()
