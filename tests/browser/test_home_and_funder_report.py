"""In a browser: a visitor on a phone finds the next event on the home page and gets to its
registration with one tap; KAG staff print the funder report on A4. axe on both pages;
screenshots in /tmp/shots/home-invites-phone.png and /tmp/shots/funder-report-*.png, the PDF
in /tmp/shots/funder-report.pdf."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from events.models import Feedback
from matchmaking.models import Seat, SeatingPlan
from tests.browser.axe import assert_accessible
from tests.browser.helpers import DESKTOP, PHONE, SCREENSHOT_DIR, screenshot
from tests.factories import DEFAULT_PASSWORD, CompanyFactory, StaffFactory
from tests.portal.test_home import (
    coming_event,
    confirmed,
    cooperation,
    held_event,
    publish_story,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def a_network_year() -> dict:
    """Two evenings held with a seat plan, two cooperations, feedback, a story, coming events."""
    firms = [CompanyFactory(published=True) for _ in range(4)]
    evening = held_event(40, title="Netzwerkabend im Rathaussaal")
    held_event(15, title="Unternehmerfrühstück")
    people = [confirmed(evening, firm) for firm in firms]
    plan = SeatingPlan.objects.create(
        event=evening, source="checked_in", generated_at=timezone.now()
    )
    for round_number, tables in ((1, [people]), (2, [people[:2], people[2:]])):
        for table_number, sitting in enumerate(tables, start=1):
            for person in sitting:
                Seat.objects.create(
                    plan=plan, round=round_number, table=table_number, registration=person
                )
    cooperation(firms[:2], started_days_ago=30)
    cooperation(firms[2:], started_days_ago=10)
    for person, topics in zip(
        people,
        ("Fachkräfte, Digitalisierung", "fachkräfte", "Fach-Kräfte; KI im Mittelstand", ""),
        strict=True,
    ):
        Feedback.objects.create(registration=person, rating=5, topics=topics)
    story = publish_story("Zwei Werkstätten, ein Auftrag")
    events = [
        coming_event(6, title="Netzwerkabend Suhl mit Speed-Dating"),
        coming_event(13, title="Unternehmerfrühstück Zella-Mehlis"),
        coming_event(27, title="Firmenbesuch bei der Feinwerk GmbH"),
    ]
    return {"story": story, "events": events}


def test_a_visitor_on_a_phone_goes_from_the_home_page_to_an_events_registration(page, site_pages):
    world = a_network_year()
    first = world["events"][0]

    page.goto("/")
    cards = page.locator(".home-event")
    expect(cards).to_have_count(3)
    expect(cards.first).to_contain_text(first.title)
    expect(page.locator(".home-figure-number")).to_have_text(
        ["2", "8", "3"]
    )  # the story's cooperation too
    expect(page.locator(".home-story")).to_contain_text(world["story"].title)
    # Nothing scrolls sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)
    screenshot(page, "home-invites-phone")
    page.set_viewport_size(DESKTOP)
    assert_accessible(page)
    screenshot(page, "home-invites-desktop")
    page.set_viewport_size(PHONE)

    cards.first.get_by_role("link", name=re.compile(r"Zur Veranstaltung anmelden|Register")).click()
    expect(page).to_have_url(re.compile(rf"/events/{first.pk}/#register$"))
    expect(page.locator("#register-heading")).to_be_in_viewport()
    assert_accessible(page)


def test_staff_print_the_funder_report_on_a4(page, site_pages):
    a_network_year()
    staff = StaffFactory()
    today = timezone.localdate()
    query = f"start={(today - timedelta(days=60)).isoformat()}&end={today.isoformat()}"

    page.set_viewport_size(DESKTOP)
    page.goto("/accounts/login/")
    page.locator("input[name='login']").fill(staff.email)
    page.locator("input[name='password']").fill(DEFAULT_PASSWORD)
    page.locator("main button[type='submit']").click()
    expect(page).to_have_url(re.compile(r"/me/$"))
    page.goto(f"/staff/impact/report/?{query}")

    expect(page.locator("[data-print-page]")).to_be_visible()  # the script made it work
    expect(page.locator(".report-chart svg")).to_have_count(6)  # formats, funnel, months,
    # meetings to cooperations, ratings, topics (no next formats were wished)
    expect(page.locator(".report-story")).to_contain_text("Zwei Werkstätten, ein Auftrag")
    expect(page.locator(".report-topics tbody tr").first).to_contain_text("Fachkräfte")
    expect(page.locator(".report-topics tbody tr").first).to_contain_text("3")
    assert_accessible(page)
    screenshot(page, "funder-report-screen")
    # Staff may open it on a phone too: nothing scrolls sideways but the wide tables' regions.
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)
    screenshot(page, "funder-report-phone")

    # About the width of A4 between its margins (180 mm), printed.
    page.set_viewport_size({"width": 680, "height": 1000})
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator("form.impact-period")).to_be_hidden()
    expect(page.locator("[data-print-page]")).to_be_hidden()
    # Each section starts a new page.
    assert (
        page.locator(".report-section").nth(1).evaluate("el => getComputedStyle(el).breakBefore")
        == "page"
    )
    screenshot(page, "funder-report-print")
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    pdf = page.pdf(path=str(SCREENSHOT_DIR / "funder-report.pdf"), prefer_css_page_size=True)
    boxes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)
    # A summary page, then events, companies, meetings, feedback, stories, all figures.
    assert len(boxes) >= 7, boxes
    # Every page A4 portrait: 595 × 842 points.
    assert {(round(float(w)), round(float(h))) for w, h in boxes} == {(595, 842)}
