"""DSGVO: a person can download and delete their data."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress

from kag_portal import mail
from kag_portal.models import BarrierReport, MailOptOut, OutboxMail, User
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_the_export_is_a_json_download_of_the_persons_data(client):
    person = UserFactory(email="ines@spannwerk.example", display_name="Ines Hollerbach")
    client.force_login(person)

    response = client.get("/me/export/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    account = response.json()["data"]["account"]
    assert account["email"] == "ines@spannwerk.example"
    assert account["display_name"] == "Ines Hollerbach"
    assert account["email_addresses"] == [
        {"email": "ines@spannwerk.example", "verified": True, "primary": True}
    ]


def test_deleting_the_account_needs_the_password(client):
    person = UserFactory()
    client.force_login(person)

    response = client.post("/me/delete/", {"password": "nicht-richtig"})

    assert response.status_code == 200
    assert User.objects.filter(pk=person.pk).exists()


def test_deleting_the_account_removes_the_person_and_their_mails(client):
    person = UserFactory(email="theo@glaswerk.example")
    mail.record_mail(to_email=person.email, subject="Hallo", body_text="…", recipient=person)
    report = BarrierReport.objects.create(
        description="Kontrast", contact_email=person.email, reporter=person
    )
    mail.unsubscribe(email=person.email, topic="newsletter")
    client.force_login(person)

    response = client.post("/me/delete/", {"password": DEFAULT_PASSWORD})

    assert response.status_code == 302
    assert not User.objects.filter(pk=person.pk).exists()
    assert not EmailAddress.objects.filter(email=person.email).exists()
    assert not OutboxMail.objects.filter(to_email=person.email).exists()
    report.refresh_from_db()
    assert report.reporter is None
    assert report.contact_email == ""
    # The opt-out stays, so that no newsletter reaches the address again.
    assert MailOptOut.objects.filter(email=person.email).exists()
    assert client.get("/me/").status_code == 302
