"""The seat plan of a network evening, end to end: the KAG team makes and publishes the plan for
30 people, 26 come, round 1 runs, the rest is planned again; an attendee on a phone sees their
partners with the running round on top. axe checks every page; screenshots of the grid, the
attendee's page and the print views go to /tmp."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from events.models import Registration
from matchmaking.models import SeatingPlan
from tests.browser.axe import assert_accessible
from tests.browser.helpers import DESKTOP, PHONE
from tests.factories import DEFAULT_PASSWORD, StaffFactory
from tests.matchmaking.seating_helpers import attendees, speed_dating_event

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def staff(transactional_db):

    return StaffFactory(email="team@kag.example")


def log_in(page, email: str, next_path: str) -> None:
    page.goto(f"/accounts/login/?next={next_path}")
    page.locator("input[name='login']").fill(email)
    page.locator("input[name='password']").fill(DEFAULT_PASSWORD)
    page.locator("main button[type='submit']").click()


def seated(plan: SeatingPlan, round_no: int) -> set[int]:
    return set(plan.seats.filter(round=round_no).values_list("registration_id", flat=True))


def test_staff_plan_publish_and_replan_and_an_attendee_sees_the_partners(
    page, site_pages, towns, staff
):
    event = speed_dating_event(rounds=5, table_size=2)
    people = attendees(event, 30)
    seating_url = f"/staff/events/{event.pk}/seating/"

    log_in(page, staff.email, seating_url)
    expect(page).to_have_url(re.compile(rf"{seating_url}$"))
    assert_accessible(page)

    page.locator("input[name='source'][value='registrations']").check()
    page.locator(f"form[action='{seating_url}generate/'] button").click()
    expect(page.locator(".seating-grid")).to_be_visible()
    plan = SeatingPlan.objects.get(event=event)
    assert seated(plan, 1) == {p.pk for p in people}
    assert_accessible(page)

    page.locator(f"form[action='{seating_url}publish/'] button").click()
    expect(page.locator(".alert-success, .messages").first).to_be_visible()
    plan.refresh_from_db()
    assert plan.status == SeatingPlan.Status.PUBLISHED
    assert_accessible(page)

    # The evening: 26 of 30 come; round 1 starts, then the rest is planned for those here.
    here = people[:26]
    Registration.objects.filter(pk__in=[p.pk for p in here]).update(checked_in_at=timezone.now())
    page.reload()
    page.locator("select[name='round']").first.select_option("1")
    page.locator(f"form[action='{seating_url}round/'] button").click()
    expect(page.locator("#seating-running")).to_contain_text(re.compile(r"(Runde|Round) 1"))
    first_round = seated(plan, 1)
    # The label in the re-plan form ticks that form's radio (ids are unique per form).
    replan = page.locator(f"form[action='{seating_url}replan/']")
    replan.get_by_label(re.compile("(eingecheckte Personen|people checked in)")).check()
    expect(replan.locator("input[value='checked_in']")).to_be_checked()
    replan.locator("button").click()
    expect(page.locator(".alert-success").first).to_be_visible()
    plan.refresh_from_db()
    assert seated(plan, 1) == first_round
    for round_no in (2, 3, 4, 5):
        assert seated(plan, round_no) == {p.pk for p in here}
    assert_accessible(page)
    page.screenshot(path="/tmp/seating-grid-phone.png", full_page=True)
    page.set_viewport_size(DESKTOP)
    page.reload()
    page.screenshot(path="/tmp/seating-grid.png", full_page=True)

    for view in ("tables", "wall", "slips"):
        page.goto(f"{seating_url}print/{view}/")
        assert_accessible(page)
        page.emulate_media(media="print")
        page.screenshot(path=f"/tmp/seating-print-{view}.png", full_page=True)
        page.emulate_media(media="screen")

    # An attendee who came, on a phone: the running round on top with the table and partners.
    page.set_viewport_size(PHONE)
    page.context.clear_cookies()
    attendee = here[3]
    log_in(page, attendee.person.email, f"/events/{event.pk}/")
    expect(page).to_have_url(re.compile(rf"/events/{event.pk}/$"))
    page.locator(f"main a[href='/events/{event.pk}/my-partners/']").click()
    expect(page).to_have_url(re.compile(r"/my-partners/$"))
    first = page.locator(".my-round").first
    expect(first).to_have_class(re.compile("my-round-running"))
    expect(first.locator(".my-round-heading")).to_contain_text(re.compile(r"(Runde|Round) 1"))
    expect(page.locator(".my-partner-name").first).to_be_visible()
    # Two weeks before the evening the phone asks every 20 s (on the day: every 5 s).
    assert page.locator("#my-rounds[data-hx-trigger='every 20s, kag:online']").count() == 1
    assert_accessible(page)
    page.screenshot(path="/tmp/my-partners.png", full_page=True)

    # Staff move on to round 2: the attendee's page follows without a reload (htmx polling).
    from matchmaking.services import seating

    plan.refresh_from_db()
    seating.set_current_round(event=event, round_no=2, expected_version=plan.version, by=staff)
    heading = page.locator(".my-round-heading").first
    expect(heading).to_contain_text(re.compile(r"(Runde|Round) 2"), timeout=30_000)
    expect(page.locator(".my-round").first).to_have_class(re.compile("my-round-running"))
