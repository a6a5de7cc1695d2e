"""When staff publish the seat plan, every attendee learns their first table by mail, once, in
their language; publishing again after a change mails those whose evening changed."""

from __future__ import annotations

import pytest
from django.utils import timezone

from kag_portal.models import OutboxMail
from matchmaking.models import SeatingPlan
from matchmaking.services import seating

from .seating_helpers import attendees, speed_dating_event, staff

pytestmark = pytest.mark.django_db

REGISTRATIONS = SeatingPlan.Source.REGISTRATIONS


def seat_mails():
    return OutboxMail.objects.filter(template="seating_published")


def made_plan(people_count: int = 6):
    event = speed_dating_event(rounds=3)
    people = attendees(event, people_count)
    plan = seating.generate_plan(
        event=event, source=REGISTRATIONS, expected_version=None, by=staff()
    )
    return event, people, plan


def test_publishing_mails_each_attendee_their_first_table_and_schedule_link():
    event, people, plan = made_plan()

    seating.publish(event=event, expected_version=plan.version, by=staff())

    mails = {row.to_email: row for row in seat_mails()}
    assert set(mails) == {person.email for person in people}
    anna = people[0]
    first_seat = plan.seats.get(round=1, registration=anna)
    mates = plan.seats.filter(round=1, table=first_seat.table).exclude(registration=anna)
    body = mails[anna.email].body_text
    assert "Runde 1 um" in body
    assert f"Tisch {first_seat.table}" in body
    for mate in mates.select_related("registration"):
        assert mate.registration.name in body
    assert f"/events/{event.pk}/my-partners/?registration={anna.pk}" in body


def test_hiding_and_publishing_an_unchanged_plan_mails_nobody_again():
    event, people, plan = made_plan()
    plan = seating.publish(event=event, expected_version=plan.version, by=staff())
    plan = seating.unpublish(event=event, expected_version=plan.version, by=staff())

    seating.publish(event=event, expected_version=plan.version, by=staff())

    assert seat_mails().count() == len(people)


def swap_any_two(event, plan, people):
    """Swap two people of different tables in round 1 where the rules allow it."""
    table_of = dict(plan.seats.filter(round=1).values_list("registration_id", "table"))
    for first in people:
        for other in people:
            if table_of[first.pk] == table_of[other.pk]:
                continue
            try:
                seating.swap(
                    event=event,
                    round_no=1,
                    first=first.pk,
                    second=other.pk,
                    expected_version=plan.version,
                    by=staff(),
                )
            except seating.SeatingError:
                continue
            return first, other
    raise AssertionError("no swap allowed in this plan")


def test_after_a_swap_only_the_people_whose_tables_changed_get_a_new_mail():
    event, people, plan = made_plan(people_count=12)
    plan = seating.publish(event=event, expected_version=plan.version, by=staff())
    first, other = swap_any_two(event, plan, people)
    plan.refresh_from_db()

    seating.publish(event=event, expected_version=plan.version, by=staff())

    mailed_twice = {p.pk for p in people if seat_mails().filter(to_email=p.email).count() == 2}
    assert {first.pk, other.pk} <= mailed_twice
    # Only the two tables involved changed: at most the four people sitting there.
    assert len(mailed_twice) <= 4


def test_the_mail_is_in_the_attendees_language():
    event, people, plan = made_plan()
    english = people[0]
    english.person.preferred_language = "en"
    english.person.save(update_fields=["preferred_language"])

    seating.publish(event=event, expected_version=plan.version, by=staff())

    row = seat_mails().get(to_email=english.email)
    assert row.language == "en"
    assert "Your speed-dating partners" in row.subject


def test_on_the_day_my_area_links_to_todays_partners(client):
    # Noon today, local time: on the day whatever the hour the test runs.
    noon = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    event = speed_dating_event(rounds=3, starts_at=noon)
    people = attendees(event, 6)
    plan = seating.generate_plan(
        event=event, source=REGISTRATIONS, expected_version=None, by=staff()
    )
    anna = people[0]
    client.force_login(anna.person)
    assert "Ihre Gesprächspartner heute" not in client.get("/me/").content.decode()

    seating.publish(event=event, expected_version=plan.version, by=staff())

    page = client.get("/me/").content.decode()
    assert "Ihre Gesprächspartner heute" in page
    assert f"/events/{event.pk}/my-partners/?registration={anna.pk}" in page


def test_before_the_day_my_area_shows_no_partners_link(client):
    event, people, plan = made_plan()
    seating.publish(event=event, expected_version=plan.version, by=staff())
    client.force_login(people[0].person)

    assert "Ihre Gesprächspartner heute" not in client.get("/me/").content.decode()
