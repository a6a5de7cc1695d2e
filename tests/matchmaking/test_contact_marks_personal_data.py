"""The matchmaking part of "export my data" and "delete my account"."""

from __future__ import annotations

import pytest

from kag_portal.personal_data import delete_user_data, export_user_data
from matchmaking.models import ContactMark, Seat
from matchmaking.services import contact_marks
from tests.events.staff_helpers import register
from tests.factories import UserFactory
from tests.matchmaking.contact_marks_helpers import attendee, evening, seat_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    """Ida (no company of her own to hand over) sat with Otto; both marked each other."""
    event = evening(rounds=1)
    ida = register(event, person=UserFactory(), name="Ida")
    otto = attendee(event, name="Otto")
    seat_plan(event, [[[ida, otto]]])
    contact_marks.save_marks(
        registration=ida, marks=[contact_marks.MarkInput(otto.pk, True, "Angebot schicken")]
    )
    contact_marks.save_marks(
        registration=otto, marks=[contact_marks.MarkInput(ida.pk, True, "nett")]
    )
    return event, ida, otto


def test_the_export_holds_my_seats_and_my_own_marks_only(pair):
    event, ida, _otto = pair

    export = export_user_data(ida.person)["matchmaking"]

    assert export["seats"] == [{"event": event.title, "round": 1, "table": 1}]
    assert len(export["contact_marks"]) == 1
    mark = export["contact_marks"][0]
    assert mark["partner"] == "Otto"
    assert mark["wants_contact"]
    assert mark["note"] == "Angebot schicken"
    assert "nett" not in str(export)  # Otto's note about Ida is Otto's


def test_deleting_me_removes_my_marks_and_those_about_me_but_keeps_my_anonymous_seat(pair):
    _event, ida, otto = pair

    delete_user_data(ida.person)

    assert not ContactMark.objects.exists()
    seat = Seat.objects.select_related("registration").get(registration=ida)
    assert seat.registration.name == ""
    assert seat.registration.person is None
    # Otto has nobody left to stay in touch with from that evening.
    assert contact_marks.partners_of(otto) == []
