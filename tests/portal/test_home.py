"""A visitor on the home page sees what to do next (the coming events, each with a button to
register), what the network made happen (the dashboard's figures) and the newest story; the page
is cached and shows a published event or story on the next request."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from companies.models import Cooperation, CooperationParty
from events.models import Event, Registration
from events.services.staff import publish_event
from impact.figures import figures
from impact.forms import default_period
from matchmaking.models import Seat, SeatingPlan
from stories import services as story_services
from tests.factories import CompanyFactory, EventFactory, MembershipFactory, StaffFactory
from tests.stories.helpers import cooperation_of, story_about, two_firms

pytestmark = pytest.mark.django_db


def in_days(days: float):
    return timezone.now() + timedelta(days=days)


def coming_event(days: float, **fields) -> Event:
    starts = in_days(days)
    return EventFactory(
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        registration_deadline=fields.pop("registration_deadline", starts - timedelta(hours=2)),
        **fields,
    )


def held_event(days_ago: int, **fields) -> Event:
    starts = in_days(-days_ago)
    return EventFactory(
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        registration_deadline=starts - timedelta(days=1),
        status=fields.pop("status", Event.Status.FINISHED),
        **fields,
    )


def confirmed(event: Event, company) -> Registration:
    number = Registration.objects.count() + 1
    return Registration.objects.create(
        event=event,
        company=company,
        name=f"Person {number}",
        email=f"person{number}@example.org",
        status=Registration.Status.CONFIRMED,
        checked_in_at=event.starts_at,
    )


def cooperation(companies, *, started_days_ago: int, all_confirmed: bool = True) -> Cooperation:
    together = Cooperation.objects.create(
        description="Sonder-Spannzangen",
        started_on=timezone.localdate() - timedelta(days=started_days_ago),
        origin=Cooperation.Origin.SPEED_DATING,
    )
    for index, company in enumerate(companies):
        CooperationParty.objects.create(
            cooperation=together,
            company=company,
            confirmed_at=timezone.now() if all_confirmed or index == 0 else None,
        )
    return together


def publish_story(title: str, firms: tuple[str, str] = ("Spannwerk GmbH", "Feinwerk GmbH")):
    first, second = (CompanyFactory(published=True, name=name) for name in firms)
    owner_a = MembershipFactory(company=first).user
    owner_b = MembershipFactory(company=second).user
    story = story_about(cooperation_of(first, second), author=owner_a, title=title)
    story = story_services.submit_for_approval(story=story)
    story_services.release(story=story, by=StaffFactory())
    story_services.approve(story=story, user=owner_a)
    story_services.approve(story=story, user=owner_b)
    story.refresh_from_db()
    assert story.is_published
    return story


@pytest.fixture
def region():
    """A network year: two evenings held with a speed-dating plan, cooperations, coming events.
    What the home page should count is said next to each."""
    firms = [CompanyFactory(published=True) for _ in range(4)]
    evening = held_event(60)  # counts
    held_event(20, format=Event.Format.BREAKFAST)  # counts
    held_event(30, status=Event.Status.CANCELLED)  # does not count
    held_event(40, status=Event.Status.DRAFT)  # does not count
    held_event(500)  # before the period: does not count
    people = [confirmed(evening, firm) for firm in firms]
    plan = SeatingPlan.objects.create(event=evening, source="checked_in", generated_at=in_days(-61))
    # Round 1: one table of four (6 meetings); round 2: two tables of two (2 meetings).
    for round_number, tables in ((1, [people]), (2, [people[:2], people[2:]])):
        for table_number, sitting in enumerate(tables, start=1):
            for person in sitting:
                Seat.objects.create(
                    plan=plan, round=round_number, table=table_number, registration=person
                )
    cooperation(firms[:2], started_days_ago=50)  # counts
    cooperation(firms[2:], started_days_ago=10)  # counts
    cooperation(firms[1:3], started_days_ago=5, all_confirmed=False)  # not confirmed by all
    return {"firms": firms}


def test_the_visitor_sees_the_next_three_events_open_for_registration(client):
    fourth = coming_event(40, title="Firmenlauf Oberhof")
    second = coming_event(10, title="Unternehmerfrühstück Suhl")
    first = coming_event(3, title="Netzwerkabend Zella-Mehlis")
    third = coming_event(20, title="Firmenbesuch Schleusingen")
    coming_event(2, title="Entwurf", status=Event.Status.DRAFT)
    coming_event(4, title="Abgesagt", status=Event.Status.CANCELLED)
    coming_event(5, title="Nur geladene Gäste", audience=Event.Audience.INVITED)
    coming_event(6, title="Frist vorbei", registration_deadline=in_days(-1))

    html = client.get("/").content.decode()

    shown = [first, second, third]
    positions = [html.index(event.title) for event in shown]
    assert positions == sorted(positions)  # soonest first
    for event in shown:
        assert f'href="{event.get_absolute_url()}#register"' in html
    assert html.count('class="btn btn-primary home-event-register"') == 3
    for hidden in (fourth.title, "Entwurf", "Abgesagt", "Nur geladene Gäste", "Frist vorbei"):
        assert hidden not in html
    # The button leads to the registration section of the event's page.
    page = client.get(first.get_absolute_url()).content.decode()
    assert 'id="register"' in page


def test_a_network_that_has_just_begun_shows_no_events_and_no_zeros(client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "home-event-register" not in html
    assert "No event is open for registration right now." in html
    assert reverse("events:list") in html
    assert "home-figure" not in html


def test_the_network_figures_are_the_dashboards(client, region):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()

    dashboard = figures(default_period())
    assert (dashboard.events, dashboard.meetings, dashboard.cooperations) == (2, 8, 2)
    assert (
        '<span class="home-figure-number">2</span> <span class="home-figure-label">events held'
        in html
    )
    assert (
        '<span class="home-figure-number">8</span> '
        '<span class="home-figure-label">conversations at speed dating' in html
    )
    assert (
        '<span class="home-figure-number">2</span> '
        '<span class="home-figure-label">confirmed cooperations' in html
    )
    assert f"Since {default_period().start:%B %Y}" in html


def test_the_home_page_speaks_german_and_the_singular(client):
    held_event(10)
    coming_event(5)

    html = client.get("/", HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert "Zur Veranstaltung anmelden" in html
    assert "Was das Netzwerk bewegt hat" in html
    assert '<span class="home-figure-label">durchgeführte Veranstaltung</span>' in html
    assert '<span class="home-figure-label">Gespräche beim Speed-Dating</span>' in html


def test_a_confirmed_cooperation_counts_on_the_next_request(client, region):
    # Logged in, the page itself is not kept: the figures' own cache must go stale.
    client.force_login(MembershipFactory(user__preferred_language="en").user)
    confirmed_cooperations = '<span class="home-figure-label">confirmed cooperations</span>'
    assert f'<span class="home-figure-number">2</span> {confirmed_cooperations}' in (
        client.get("/").content.decode()
    )

    party = CooperationParty.objects.get(confirmed_at__isnull=True)
    party.confirmed_at = timezone.now()
    party.save()

    assert f'<span class="home-figure-number">3</span> {confirmed_cooperations}' in (
        client.get("/").content.decode()
    )


def test_the_newest_published_story_is_shown(client):
    publish_story("Vom Speed-Dating an die Drehbank", ("Drehteile Suhl", "Optik Oberhof"))
    newest = publish_story("Zwei Werkstätten, ein Auftrag")
    draft = story_about(cooperation_of(*two_firms()[:2]), title="Noch ein Entwurf")

    html = client.get("/").content.decode()

    assert newest.title in html
    assert "Vom Speed-Dating an die Drehbank" not in html  # only the newest
    assert draft.title not in html
    assert newest.get_absolute_url() in html
    assert "Feinwerk GmbH · Spannwerk GmbH" in html  # with its firms, by name
    assert "Drehteile Suhl" not in html


def test_the_storys_first_image_is_shown_with_its_description(client, settings, tmp_path):
    from tests.stories.test_images import image_file

    settings.MEDIA_ROOT = str(tmp_path)
    story = publish_story("Zwei Werkstätten, ein Auftrag")
    story_services.add_image(
        story=story, content=image_file().read(), alt_text="Zwei Menschen an einer Drehbank"
    )

    html = client.get("/").content.decode()

    assert 'class="home-story-card home-story-card-with-image"' in html
    assert 'alt="Zwei Menschen an einer Drehbank"' in html


def test_a_published_event_shows_on_the_next_anonymous_request(client):
    event = coming_event(8, title="Netzwerkabend Suhl", status=Event.Status.DRAFT)
    assert "Netzwerkabend Suhl" not in client.get("/").content.decode()
    assert "Netzwerkabend Suhl" not in client.get("/").content.decode()  # from the cache

    publish_event(event=event)

    assert "Netzwerkabend Suhl" in client.get("/").content.decode()


def test_a_published_story_shows_on_the_next_anonymous_request(client):
    assert "Zwei Werkstätten" not in client.get("/").content.decode()

    publish_story("Zwei Werkstätten, ein Auftrag")

    assert "Zwei Werkstätten, ein Auftrag" in client.get("/").content.decode()


def test_an_event_past_its_deadline_is_not_served_from_a_kept_page(client):
    # The registration closes within the second: a copy may not be kept past that moment.
    deadline = timezone.now() + timedelta(milliseconds=900)
    coming_event(1, title="Frühstück morgen", registration_deadline=deadline)
    assert "Frühstück morgen" in client.get("/").content.decode()

    # The deadline passes (update() sends no signal, so no scope is bumped): the next visitor
    # gets the page computed afresh.
    Event.objects.filter(title="Frühstück morgen").update(registration_deadline=in_days(-0.001))
    assert "Frühstück morgen" not in client.get("/").content.decode()


@pytest.mark.parametrize("logged_in", [False, True])
def test_the_home_page_takes_a_fixed_number_of_queries(
    client, region, logged_in, django_assert_max_num_queries
):
    if logged_in:
        client.force_login(MembershipFactory().user)
    coming_event(5)
    publish_story("Vom Speed-Dating an die Drehbank", ("Firma a", "Firma b"))
    # Session and user (2), coming events (1), the figures (3), the story with its companies
    # and images (3).
    budget = 9 if logged_in else 7
    with django_assert_max_num_queries(budget):
        assert client.get("/").status_code == 200
    # Ten times the events, seats and stories: the same number.
    for number in range(10):
        coming_event(6 + number)
        held = held_event(30 + number)
        people = [confirmed(held, firm) for firm in region["firms"]]
        plan = SeatingPlan.objects.create(
            event=held, source="checked_in", generated_at=held.starts_at
        )
        for person in people:
            Seat.objects.create(plan=plan, round=1, table=1, registration=person)
        publish_story(f"Geschichte {number}")
    with django_assert_max_num_queries(budget):
        html = client.get("/").content.decode()
    assert html.count('class="btn btn-primary home-event-register"') == 3
    # Logged in, the figures come from their own cache on the next visit: only the events and
    # the story are read again.
    if logged_in:
        with django_assert_max_num_queries(budget - 3):
            client.get("/")
