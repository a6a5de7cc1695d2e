"""Meine Gesprächspartner (/events/<id>/my-partners/) and the staff seat plan pages: who sees
what, the reasons shown, the polling fragment and the number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from matchmaking.models import SeatingPlan
from matchmaking.services import seating
from tests.events.staff_helpers import register
from tests.factories import CompanyFactory, MembershipFactory, StaffFactory, UserFactory

from .seating_helpers import attendees, speed_dating_event

pytestmark = pytest.mark.django_db


def _evening(people: int = 6, *, publish: bool = True, rounds: int = 3):
    event = speed_dating_event(rounds=rounds)
    registrations = attendees(event, people)
    staff = StaffFactory()
    plan = seating.generate_plan(
        event=event,
        source=SeatingPlan.Source.REGISTRATIONS,
        expected_version=None,
        by=staff,
    )
    if publish:
        plan = seating.publish(event=event, expected_version=plan.version, by=staff)
    return event, registrations, plan


def url(event, registration=None, name="matchmaking:my_partners") -> str:
    path = reverse(name, args=[event.pk])
    return f"{path}?registration={registration.pk}" if registration else path


def test_an_attendee_sees_their_tables_and_partners_with_the_reasons(client):
    event = speed_dating_event(rounds=2)
    me = register(
        event, company=CompanyFactory(published=True, offers=["Spannzangen"], needs=["Härten"])
    )
    partner = register(
        event,
        company=CompanyFactory(published=True, offers=["Härten"], needs=["Sonder-Spannzangen"]),
    )
    plan = seating.generate_plan(
        event=event, source="registrations", expected_version=None, by=StaffFactory()
    )
    seating.publish(event=event, expected_version=plan.version, by=StaffFactory())
    client.force_login(me.person)

    response = client.get(url(event))

    assert response.status_code == 200
    text = response.content.decode()
    assert partner.name in text
    assert partner.company.get_absolute_url() in text
    assert 'data-hx-trigger="every 20s, kag:online"' in text
    rounds = response.context["rounds"]
    assert [r.table for r in rounds] == [1, 1]
    pair = rounds[0].partners[0]
    assert pair.b == partner
    assert pair.b_offers == ("Härten",)
    # Tag keys differ from the names people wrote: "Sonder-Spannzangen" is not "Spannzangen".
    assert pair.fit.value > 0


def test_nothing_is_shown_before_the_plan_is_published(client):
    event, people, _plan = _evening(publish=False)
    client.force_login(people[0].person)

    assert client.get(url(event)).status_code == 404
    assert client.get(url(event, name="matchmaking:my_partners_rounds")).status_code == 404


def test_an_attendee_opening_someone_elses_plan_gets_404(client):
    event, people, _plan = _evening()
    client.force_login(people[0].person)

    assert client.get(url(event, people[1])).status_code == 404
    assert client.get(url(event, people[1], "matchmaking:my_partners_rounds")).status_code == 404


def test_a_person_not_registered_gets_404(client):
    event, _people, _plan = _evening()
    client.force_login(UserFactory())

    assert client.get(url(event)).status_code == 404


def test_the_owner_of_the_company_chooses_whose_plan_to_see(client):
    event, people, _plan = _evening()
    owner = UserFactory()
    MembershipFactory(company=people[2].company, user=owner)
    client.force_login(owner)

    choosing = client.get(url(event))
    assert choosing.status_code == 200
    assert [r.pk for r in choosing.context["choices"]] == [people[2].pk]

    assert client.get(url(event, people[2])).status_code == 200
    assert client.get(url(event, people[3])).status_code == 404


def test_an_editor_of_the_company_is_not_its_owner(client):
    event, people, _plan = _evening()
    editor = UserFactory()
    MembershipFactory(company=people[2].company, user=editor, role="editor")
    client.force_login(editor)

    assert client.get(url(event, people[2])).status_code == 404


def test_staff_open_anyones_plan(client):
    event, people, _plan = _evening()
    client.force_login(StaffFactory())

    assert client.get(url(event, people[4])).status_code == 200


def test_the_fragment_answers_204_while_nothing_changed_and_the_rounds_after_a_change(client):
    event, people, plan = _evening()
    client.force_login(people[0].person)
    state = client.get(url(event)).context["state"]
    fragment = reverse("matchmaking:my_partners_rounds", args=[event.pk])

    unchanged = client.get(fragment, {"registration": people[0].pk, "state": state})
    assert unchanged.status_code == 204

    seating.set_current_round(event=event, round_no=2, expected_version=plan.version, by=None)
    changed = client.get(fragment, {"registration": people[0].pk, "state": state})
    assert changed.status_code == 200
    assert changed.context["rounds"][0].number == 2  # the running round on top
    assert changed.context["rounds"][0].running


def test_my_partners_queries_stay_fixed(client, django_assert_max_num_queries):
    event, people, _plan = _evening(people=30, rounds=6)
    client.force_login(people[0].person)

    with django_assert_max_num_queries(20):
        response = client.get(url(event))

    assert response.status_code == 200


def test_the_staff_grid_queries_stay_fixed(client, django_assert_max_num_queries):
    event, _people, _plan = _evening(people=40, rounds=6)
    client.force_login(StaffFactory())

    with django_assert_max_num_queries(25):
        response = client.get(reverse("staff_matchmaking:seating", args=[event.pk]))

    assert response.status_code == 200
    assert len(response.context["grid"].rounds) == 6


@pytest.mark.parametrize("view", ["print_tables", "print_wall", "print_slips"])
def test_the_print_views_queries_stay_fixed(client, django_assert_max_num_queries, view):
    event, _people, _plan = _evening(people=30, rounds=5)
    client.force_login(StaffFactory())

    with django_assert_max_num_queries(20):
        response = client.get(reverse(f"staff_matchmaking:{view}", args=[event.pk]))

    assert response.status_code == 200


def test_staff_generate_publish_and_a_stale_form_is_refused(client):
    event = speed_dating_event(rounds=3)
    attendees(event, 8)
    client.force_login(StaffFactory())
    base = f"/staff/events/{event.pk}/seating/"

    client.post(base + "generate/", {"source": "registrations", "expected_version": ""})
    plan = SeatingPlan.objects.get(event=event)
    assert plan.version == 1
    client.post(base + "publish/", {"expected_version": 1})
    # A second page, loaded before the publishing, tries to hide the plan again.
    response = client.post(base + "unpublish/", {"expected_version": 1}, follow=True)

    plan.refresh_from_db()
    assert plan.status == SeatingPlan.Status.PUBLISHED
    assert plan.version == 2
    assert any(m.level_tag == "error" for m in response.context["messages"])


def test_staff_swap_refused_shows_the_reason(client):
    event = speed_dating_event(rounds=2)
    people = attendees(event, 6)
    colleague = register(event, company=people[0].company)
    plan = seating.generate_plan(
        event=event, source="registrations", expected_version=None, by=StaffFactory()
    )
    mine = plan.seats.get(round=2, registration=people[0])
    neighbour = plan.seats.filter(round=2, table=mine.table).exclude(pk=mine.pk).first()
    client.force_login(StaffFactory())

    response = client.post(
        f"/staff/events/{event.pk}/seating/swap/",
        {
            "round": 2,
            "first": neighbour.registration_id,
            "second": colleague.pk,
            "expected_version": plan.version,
        },
        follow=True,
    )

    errors = [str(m) for m in response.context["messages"] if m.level_tag == "error"]
    assert errors
    plan.refresh_from_db()
    assert plan.version == 1


def test_the_event_page_links_to_the_partners_once_published(client):
    event, people, _plan = _evening()
    client.force_login(people[0].person)

    response = client.get(event.get_absolute_url())

    assert reverse("matchmaking:my_partners", args=[event.pk]) in response.content.decode()


def test_the_staff_page_offers_to_make_a_plan_and_needs_a_speed_dating_block(client):
    event = speed_dating_event()
    client.force_login(StaffFactory())

    response = client.get(reverse("staff_matchmaking:seating", args=[event.pk]))

    assert response.status_code == 200
    assert response.context["plan"] is None
    assert reverse("staff_matchmaking:generate", args=[event.pk]) in response.content.decode()
    plain = speed_dating_event()
    plain.speed_dating_starts_at = None
    plain.speed_dating_rounds = None
    plain.speed_dating_round_minutes = None
    plain.speed_dating_change_minutes = None
    plain.speed_dating_table_size = None
    plain.save()
    assert client.get(reverse("staff_matchmaking:seating", args=[plain.pk])).status_code == 404


def test_a_late_arrival_without_a_seat_yet_is_told_so(client):
    event, _people, _plan = _evening()
    late = register(event, company=CompanyFactory(published=True))
    client.force_login(late.person)

    response = client.get(url(event))

    assert response.status_code == 200
    assert all(r.table is None for r in response.context["rounds"])


def test_the_follow_up_link_appears_once_the_evening_has_begun(client):
    from datetime import timedelta

    from django.utils import timezone

    event, registrations, _plan = _evening()
    follow_ups = reverse("matchmaking:contact_marks", args=[event.pk])
    client.force_login(registrations[0].person)

    before = client.get(url(event)).content.decode()
    event.starts_at = timezone.now() - timedelta(minutes=5)
    event.save(update_fields=["starts_at"])
    during = client.get(url(event)).content.decode()

    assert follow_ups not in before
    assert follow_ups in during


def test_on_the_day_the_phone_follows_the_rounds_every_five_seconds(client):
    event = speed_dating_event(rounds=2, starts_at=timezone.now() + timedelta(hours=2))
    me, _partner = attendees(event, 2)
    plan = seating.generate_plan(
        event=event, source="registrations", expected_version=None, by=StaffFactory()
    )
    seating.publish(event=event, expected_version=plan.version, by=StaffFactory())
    client.force_login(me.person)

    text = client.get(url(event)).content.decode()

    assert 'data-hx-trigger="every 5s, kag:online"' in text
