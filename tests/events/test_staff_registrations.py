"""The KAG team sees who comes: the registrations of an event, a CSV for Excel, a list to print."""

from __future__ import annotations

import csv
import io

import pytest
from django.utils import timezone

from events.models import Registration
from tests.events.staff_helpers import make_event, register
from tests.factories import CompanyFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory(preferred_language="en"))
    return client


def test_the_registrations_page_lists_people_with_counts_per_status(staff_client):
    event = make_event(capacity=10)
    company = CompanyFactory(published=True, name="Spannwerk Suhl GmbH")
    anna = register(event, name="Anna Keller", company=company, checked_in_at=timezone.now())
    register(event, Registration.Status.WAITLISTED, name="Ben Wartend")
    register(event, Registration.Status.CANCELLED, name="Carla Abgesagt")
    other = make_event()
    register(other, name="Dora Anderswo")

    response = staff_client.get(f"/staff/events/{event.pk}/registrations/")

    page = response.content.decode()
    assert response.context["counts"] == {"confirmed": 1, "waitlisted": 1, "cancelled": 1}
    assert [r.name for r in response.context["registrations"]] == [
        "Anna Keller",
        "Ben Wartend",
        "Carla Abgesagt",
    ]
    assert "Spannwerk Suhl GmbH" in page
    assert anna.email in page
    assert "Dora Anderswo" not in page


def test_the_registrations_page_needs_the_same_few_queries_for_100_people(
    staff_client, django_assert_max_num_queries
):
    event = make_event(capacity=200)
    for n in range(100):
        register(event, name=f"Person {n}")

    with django_assert_max_num_queries(8):
        response = staff_client.get(f"/staff/events/{event.pk}/registrations/")

    assert len(response.context["registrations"]) == 100


def test_the_csv_opens_in_german_excel_and_keeps_formulas_out(staff_client):
    event = make_event()
    company = CompanyFactory(published=True, name="Müller & Söhne")
    register(event, name='=HYPERLINK("http://böse.example")', company=company)
    register(event, Registration.Status.WAITLISTED, name="Jürgen Groß")

    response = staff_client.get(f"/staff/events/{event.pk}/registrations.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Name", "Company", "E-mail", "Status", "Registered at", "Checked in"]
    assert rows[1][0] == '\'=HYPERLINK("http://böse.example")'
    assert rows[1][1] == "Müller & Söhne"
    assert rows[2][0] == "Jürgen Groß"
    assert rows[2][3] == "on the waitlist"
    assert len(rows) == 3


def test_the_print_list_has_the_confirmed_people_only_with_a_box_to_tick(staff_client):
    event = make_event()
    register(event, name="Anna Keller")
    register(event, Registration.Status.WAITLISTED, name="Ben Wartend")
    register(event, Registration.Status.CANCELLED, name="Carla Abgesagt")

    response = staff_client.get(f"/staff/events/{event.pk}/print/")

    page = response.content.decode()
    assert "Anna Keller" in page
    assert "☐" in page
    assert "Ben Wartend" not in page
    assert "Carla Abgesagt" not in page
