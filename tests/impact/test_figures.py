"""Staff read off the dashboard what the network made happen in a period, and each number is
the length of the list behind it; the funder report says the same."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from companies.models import Cooperation, CooperationParty, HelpOffer, HelpRequest
from events.models import Event, EventInvitation, Feedback, Registration
from impact.figures import Period, figures
from impact.lists import FIGURE_LISTS
from matchmaking.models import ContactMark, Seat, SeatingPlan
from tests.factories import CompanyFactory, EventFactory, StaffFactory, TownFactory

pytestmark = pytest.mark.django_db

START = date(2026, 1, 1)
END = date(2026, 6, 30)


def at(day: date, hour: int = 18) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def past_event(day: date, **fields) -> Event:
    return EventFactory(
        starts_at=at(day),
        ends_at=at(day, 21),
        registration_deadline=at(day - timedelta(days=2)),
        status=fields.pop("status", Event.Status.FINISHED),
        **fields,
    )


def place(event: Event, company, *, checked_in: bool = True, **fields) -> Registration:
    number = Registration.objects.count() + 1
    return Registration.objects.create(
        event=event,
        company=company,
        name=f"Person {number}",
        email=f"person{number}@example.org",
        status=fields.pop("status", Registration.Status.CONFIRMED),
        checked_in_at=event.starts_at if checked_in else None,
        **fields,
    )


@pytest.fixture
def region():
    """Half a year of a small network: what each figure should find is said next to it."""
    suhl, zella = TownFactory(name="Suhl"), TownFactory(name="Zella-Mehlis")
    spannzeug, feinmechanik, optik, newcomer = (
        CompanyFactory(town=suhl),
        CompanyFactory(town=zella),
        CompanyFactory(town=suhl),
        CompanyFactory(town=zella),
    )
    # An evening in Suhl with check-in and speed dating; a breakfast in Zella without check-in.
    evening = past_event(date(2026, 3, 12), town=suhl)
    breakfast = past_event(date(2026, 5, 6), town=zella, format=Event.Format.BREAKFAST)
    # Not counted: a draft, a cancelled evening, and one after the period.
    past_event(date(2026, 4, 1), town=suhl, status=Event.Status.DRAFT)
    past_event(date(2026, 4, 2), town=suhl, status=Event.Status.CANCELLED)
    later = past_event(date(2026, 7, 3), town=suhl)
    # Spannzeug came before the period, so it is no new company.
    earlier = past_event(date(2025, 11, 20), town=suhl)
    place(earlier, spannzeug)

    for address in ("a@example.org", "b@example.org", "c@example.org"):
        EventInvitation.objects.create(event=evening, email=address)
    EventInvitation.objects.create(event=later, email="a@example.org")

    a = place(evening, spannzeug)
    b = place(evening, feinmechanik)
    c = place(evening, optik)
    d = place(evening, newcomer)
    place(evening, optik, checked_in=False)  # a no-show
    place(evening, newcomer, checked_in=False, status=Registration.Status.CANCELLED)
    place(breakfast, optik, checked_in=False)
    place(breakfast, feinmechanik, checked_in=False)
    place(later, newcomer)

    plan = SeatingPlan.objects.create(event=evening, source="checked_in", generated_at=at(START))
    # Round 1: a pair and a table of three (1 + 3 meetings); round 2: two pairs (2 meetings).
    for round_number, tables in ((1, [[a, b], [c, d]]), (2, [[a, c], [b, d]])):
        for table_number, people in enumerate(tables, start=1):
            for person in people:
                Seat.objects.create(
                    plan=plan, round=round_number, table=table_number, registration=person
                )
    Seat.objects.create(plan=plan, round=1, table=2, registration=place(evening, spannzeug))

    # Spannzeug and Feinmechanik want to stay in touch both ways; Optik only one way.
    ContactMark.objects.create(registration=a, partner=b, wants_contact=True)
    ContactMark.objects.create(registration=b, partner=a, wants_contact=True)
    ContactMark.objects.create(registration=c, partner=a, wants_contact=True)
    ContactMark.objects.create(registration=a, partner=c, wants_contact=False)

    Feedback.objects.create(registration=a, rating=5, next_format="company_visit", topics="Bus")
    Feedback.objects.create(registration=b, rating=4, next_format="company_visit")
    Feedback.objects.create(registration=c, rating=3, topics="Kinderbetreuung")

    def request(company, day, **fields):
        help_request = HelpRequest.objects.create(
            company=company, title="Sonder-Spannzangen", description="…", **fields
        )
        HelpRequest.objects.filter(pk=help_request.pk).update(created_at=at(day))
        return help_request

    answered = request(feinmechanik, date(2026, 2, 1))
    HelpOffer.objects.create(help_request=answered, company=spannzeug, message="Können wir.")
    request(optik, date(2026, 2, 2), helped_by=spannzeug, status=HelpRequest.Status.CLOSED)
    request(newcomer, date(2026, 2, 3))
    request(newcomer, date(2026, 8, 1))  # after the period

    def cooperation(day, parties, confirmed, without_kag=""):
        together = Cooperation.objects.create(
            description="Spannzangen nach Zeichnung",
            started_on=day,
            origin=Cooperation.Origin.SPEED_DATING,
            would_have_happened_without_kag=without_kag,
        )
        for company, is_confirmed in zip(parties, confirmed, strict=True):
            CooperationParty.objects.create(
                cooperation=together,
                company=company,
                confirmed_at=timezone.now() if is_confirmed else None,
            )
        return together

    cooperation(date(2026, 4, 1), [spannzeug, feinmechanik], [True, True], "probably_not")
    cooperation(date(2026, 4, 2), [optik, newcomer], [True, True], "yes")
    cooperation(date(2026, 4, 3), [optik, spannzeug], [True, False], "no")  # not confirmed
    cooperation(date(2026, 9, 1), [optik, feinmechanik], [True, True], "no")  # after
    return {"suhl": suhl, "zella": zella}


def test_the_figures_of_a_half_year(region):
    result = figures(Period(START, END))

    assert result.events == 2
    assert {key: n for key, _label, n in result.events_by_format} == {
        "network_evening": 1,
        "breakfast": 1,
        "company_visit": 0,
        "company_run": 0,
        "other": 0,
    }
    assert result.invitations == 3
    assert result.registrations == 8  # 6 confirmed at the evening, 2 at the breakfast
    assert result.checked_in == 5
    # Only the evening used check-in: 5 of its 6 confirmed people came.
    assert result.attendance_percent == 83
    assert result.companies == 4
    assert result.new_companies == 3
    assert result.meetings == 6  # 1 + 3 in round one, 1 + 1 in round two
    assert result.mutual_follow_ups == 1
    assert result.requests_posted == 3
    assert result.requests_answered == 2
    assert result.cooperations == 2
    assert result.cooperations_not_without_kag == 1
    assert result.feedback == 3
    assert result.average_rating == 4.0
    assert result.ratings == [(5, 1), (4, 1), (3, 1), (2, 0), (1, 0)]
    assert [(key, n) for key, _label, n in result.next_formats] == [("company_visit", 2)]
    assert [(group.label, group.count) for group in result.topic_groups] == [
        ("Bus", 1),
        ("Kinderbetreuung", 1),
    ]


def test_a_town_narrows_events_requests_and_cooperations(region):
    result = figures(Period(START, END, town=region["zella"]))

    assert result.events == 1  # the breakfast
    assert result.registrations == 2
    assert result.checked_in == 0
    assert result.attendance_rate is None  # nobody was checked in: no rate, not 0 %
    assert result.requests_posted == 2  # Feinmechanik and the newcomer are in Zella-Mehlis
    assert result.cooperations == 2  # each has a company from Zella-Mehlis


def test_each_number_is_the_length_of_its_list(region):
    period = Period(START, END)
    result = figures(period)
    expected = {
        "events": result.events,
        "invitations": result.invitations,
        "registrations": result.registrations,
        "attendances": result.checked_in,
        "companies": result.companies,
        "new_companies": result.new_companies,
        "follow_ups": result.mutual_follow_ups,
        "requests": result.requests_posted,
        "answered_requests": result.requests_answered,
        "cooperations": result.cooperations,
        "not_without_kag": result.cooperations_not_without_kag,
        "feedback": result.feedback,
    }
    for key, number in expected.items():
        assert FIGURE_LISTS[key].rows(period).count() == number, key


def test_the_funder_report_shows_the_dashboards_figures(client, region):
    client.force_login(StaffFactory())
    query = {"start": START.isoformat(), "end": END.isoformat()}

    dashboard = client.get(reverse("impact:dashboard"), query)
    export = client.get(reverse("impact:report_csv"), query)
    printed = client.get(reverse("impact:report"), query)

    result = dashboard.context["result"]
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    values = {row[1]: row[2] for row in rows[1:]}
    # The CSV and the printed report come from one list of rows; the dashboard's numbers match.
    assert [tuple(row) for row in rows[4:]] == printed.context["rows"]
    assert values["Durchgeführte Veranstaltungen"] == str(result.events) == "2"
    assert values["Eingecheckt"] == str(result.checked_in)
    assert values["Bestätigte Kooperationen"] == str(result.cooperations)
    assert values["Davon nicht ohne das KAG-Netzwerk"] == "1"
    assert values["Teilnahmequote (%)"] == "83"
    assert values["Durchschnittliche Bewertung (1–5)"] == "4,0"
    assert export["Content-Disposition"].startswith('attachment; filename="kag-wirkung-')


def test_every_figure_links_to_its_list(client, region):
    client.force_login(StaffFactory())
    query = {"start": START.isoformat(), "end": END.isoformat()}
    page = client.get(reverse("impact:dashboard"), query).content.decode()

    for key in FIGURE_LISTS:
        if key == "meetings":
            continue  # meetings are counted per table; its list shows the events
        url = reverse("impact:figure_list", args=[key])
        assert f'href="{url}?start=2026-01-01&amp;end=2026-06-30"' in page, key
        response = client.get(url, query)
        assert response.status_code == 200
        assert (
            response.context["page"].paginator.count
            == FIGURE_LISTS[key].rows(Period(START, END)).count()
        )


def test_an_unknown_figure_is_not_found(client):
    client.force_login(StaffFactory())
    assert client.get(reverse("impact:figure_list", args=["salaries"])).status_code == 404


def test_a_period_that_ends_before_it_starts_is_refused(client):
    client.force_login(StaffFactory())
    response = client.get(reverse("impact:dashboard"), {"start": "2026-06-01", "end": "2026-01-01"})
    assert response.status_code == 200
    assert response.context["result"] is None
    assert "Das Ende des Zeitraums liegt vor seinem Beginn." in response.content.decode()

    export = client.get(reverse("impact:report_csv"), {"start": "x", "end": "2026-01-01"})
    assert export.status_code == 400


def test_without_a_period_the_last_twelve_months_are_shown(client):
    client.force_login(StaffFactory())
    response = client.get(reverse("impact:dashboard"))
    today = timezone.localdate()
    period = response.context["result"].period
    assert period.end == today
    assert period.start == date(today.year - 1, today.month, 1)


def test_the_dashboard_takes_a_fixed_number_of_queries(
    client, region, django_assert_max_num_queries
):
    client.force_login(StaffFactory())
    query = {"start": START.isoformat(), "end": END.isoformat()}
    with django_assert_max_num_queries(22):
        client.get(reverse("impact:dashboard"), query)
    # Ten times the events and people: still the same number of queries.
    for number in range(10):
        event = past_event(date(2026, 2, 1) + timedelta(days=number), town=region["suhl"])
        for _person in range(10):
            place(event, CompanyFactory(town=region["suhl"]))
    with django_assert_max_num_queries(22):
        response = client.get(reverse("impact:dashboard"), query)
    assert response.context["result"].events == 12
    for key in FIGURE_LISTS:
        with django_assert_max_num_queries(8):
            client.get(reverse("impact:figure_list", args=[key]), query)


def test_a_deleted_company_leaves_counts_but_not_its_name(client, region):
    from companies.services.profiles import delete_company
    from tests.factories import MembershipFactory

    period = Period(START, END)
    before = figures(period)
    spannzeug = Registration.objects.get(name="Person 2").company
    name = spannzeug.name
    owner = MembershipFactory(company=spannzeug).user

    delete_company(company=spannzeug, user=owner)

    after = figures(period)
    assert (after.registrations, after.checked_in, after.companies, after.meetings) == (
        before.registrations,
        before.checked_in,
        before.companies,
        before.meetings,
    )
    assert after.cooperations == before.cooperations
    client.force_login(StaffFactory())
    query = {"start": START.isoformat(), "end": END.isoformat()}
    for key in ("companies", "registrations", "cooperations"):
        page = client.get(reverse("impact:figure_list", args=[key]), query).content.decode()
        assert name not in page, key


def test_a_long_list_pages_and_keeps_the_period(client, region):
    event = past_event(date(2026, 2, 10), town=region["suhl"])
    for _number in range(55):
        place(event, CompanyFactory(town=region["suhl"]))
    client.force_login(StaffFactory())
    url = reverse("impact:figure_list", args=["registrations"])

    first = client.get(url, {"start": START.isoformat(), "end": END.isoformat()})
    second = client.get(url, {"start": START.isoformat(), "end": END.isoformat(), "page": 2})

    assert "start=2026-01-01&amp;end=2026-06-30&amp;page=2" in first.content.decode()
    assert len(first.context["rows"]) == 50
    assert len(second.context["rows"]) == 8 + 55 - 50
