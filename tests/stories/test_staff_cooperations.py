"""Staff record a cooperation they heard of; it counts once every company confirmed it."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from companies.models import Cooperation
from kag_portal.models import OutboxMail
from tests.factories import CompanyFactory, MembershipFactory, StaffFactory

pytestmark = pytest.mark.django_db


def form(*companies, **changes) -> dict:
    data = {
        "companies": [company.pk for company in companies],
        "description": "Gemeinsame Lehrlingsausbildung im Verbund",
        "started_on": timezone.localdate().isoformat(),
        "origin": "other",
        "would_have_happened_without_kag": "probably_not",
    }
    data.update(changes)
    return data


def test_staff_record_a_cooperation_and_each_company_is_asked(client):
    spannwerk, feinwerk = CompanyFactory(published=True), CompanyFactory(published=True)
    owners = [MembershipFactory(company=spannwerk).user, MembershipFactory(company=feinwerk).user]
    client.force_login(StaffFactory())

    response = client.post(reverse("staff_stories:cooperation_create"), form(spannwerk, feinwerk))

    assert response.status_code == 302
    cooperation = Cooperation.objects.get()
    assert {party.company for party in cooperation.parties.all()} == {spannwerk, feinwerk}
    assert not cooperation.parties.filter(confirmed_at__isnull=False).exists()
    assert cooperation.would_have_happened_without_kag == "probably_not"
    asked = OutboxMail.objects.filter(idempotency_key__startswith="cooperation-confirm:")
    assert sorted(asked.values_list("to_email", flat=True)) == sorted(o.email for o in owners)
    body = asked.first().body_text
    assert "KAG-Team" in body
    assert f"/events/cooperations/{cooperation.pk}/confirm/" in body

    page = client.get(reverse("staff_stories:cooperations")).content.decode()
    assert "Gemeinsame Lehrlingsausbildung" in page
    assert "0 von 2" in page


@pytest.mark.parametrize(
    "changes",
    [
        {"started_on": "2999-01-01"},
        {"description": ""},
        {"origin": "magic"},
    ],
)
def test_bad_input_is_refused_and_nothing_saved(client, changes):
    spannwerk, feinwerk = CompanyFactory(published=True), CompanyFactory(published=True)
    client.force_login(StaffFactory())
    response = client.post(
        reverse("staff_stories:cooperation_create"), form(spannwerk, feinwerk, **changes)
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Cooperation.objects.exists()


def test_one_company_alone_is_no_cooperation(client):
    client.force_login(StaffFactory())
    response = client.post(
        reverse("staff_stories:cooperation_create"), form(CompanyFactory(published=True))
    )
    assert "mindestens zwei" in response.content.decode()
    assert not Cooperation.objects.exists()


def test_the_list_takes_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    client.force_login(StaffFactory())
    for _ in range(12):
        client.post(
            reverse("staff_stories:cooperation_create"),
            form(CompanyFactory(published=True), CompanyFactory(published=True)),
        )
    with django_assert_max_num_queries(8):
        response = client.get(reverse("staff_stories:cooperations"))
    assert response.status_code == 200
