"""Event mails read like a letter: no empty address parts ("Marktplatz, , 98527 Suhl") and, in
German, the text after the salutation's comma goes on in lower case."""

from __future__ import annotations

import pytest

from events.services import registration
from kag_portal.models import OutboxMail
from tests.factories import CompanyFactory, EventFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def confirmation_for(event, language: str = "de") -> OutboxMail:
    member = MembershipFactory(company=CompanyFactory(published=True)).user
    member.preferred_language = language
    member.save()
    registration.register(
        event=event,
        company=member.memberships.first().company,
        person=member,
        name=member.display_name,
        email=member.email,
        registered_by=member,
    )
    return OutboxMail.objects.filter(to_email=member.email).latest("pk")


def test_a_company_run_without_a_street_has_no_empty_address_part():
    event = EventFactory(venue_name="Start und Ziel am Marktplatz", venue_street="")
    mail = confirmation_for(event)
    assert f"Start und Ziel am Marktplatz, 98527 {event.town.name}" in mail.body_text
    assert ", ," not in mail.body_text
    assert ", ," not in mail.body_html


def test_the_full_address_when_there_is_a_street():
    event = EventFactory(venue_name="Rathaussaal", venue_street="Marktplatz 1")
    assert (
        f"Rathaussaal, Marktplatz 1, 98527 {event.town.name}" in confirmation_for(event).body_text
    )


def test_the_german_text_goes_on_in_lower_case_after_the_salutation():
    event = EventFactory(title="Netzwerkabend Suhl")
    body = confirmation_for(event).body_text
    assert "ein Platz bei „Netzwerkabend Suhl“" in body
    assert "Ein Platz bei" not in body


def test_the_english_text_keeps_its_capital():
    body = confirmation_for(EventFactory(title="Netzwerkabend Suhl"), "en").body_text
    assert "A place at “Netzwerkabend Suhl”" in body
