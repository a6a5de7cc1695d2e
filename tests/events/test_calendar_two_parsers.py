"""Every calendar file the portal serves, read by two independent parsers.

icalendar writes the files, and it reads a TZID by its name in the tz database. vobject reads the
times through the VTIMEZONE in the file itself (dateutil's tzical), as a calendar app does that
has no tz database of its own. Both must find the same events at the instants in the database,
so a wrong or missing summer-time rule in the VTIMEZONE shows up as an hour's difference in some
later year. Served through the views, so the files checked are what a calendar app downloads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import icalendar
import pytest
import vobject
from django.utils import timezone

from events.models import Event, Registration
from events.services import calendar as services
from tests.events.staff_helpers import local, make_event, register
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Start times either side of the summer-time changes of later years (the last Sundays of March
# and October), in deep winter and in summer; the dates a VTIMEZONE with the wrong rule, or with
# dates for a few years only, gets wrong.
EDGES = [
    (2031, 3, 30, 1, 30),  # an hour before the change to summer time: +01:00
    (2031, 3, 30, 3, 30),  # an hour and a half after it: +02:00
    (2035, 10, 28, 1, 30),  # before the change back: +02:00
    (2035, 10, 28, 4, 0),  # after it: +01:00
    (2038, 1, 20, 18, 0),  # winter, past 2038-01-19 (32-bit time)
    (2044, 7, 5, 18, 0),  # summer
]
MARKDOWN = (
    "Ein Abend in **vier kurzen Runden**, _mit_ Imbiss.\n\n"
    "- Spannzangen\n- [Anfahrt](https://example.org/weg)\n\n`Raum 2`"
)
FEEDS = ["one event", "public feed", "personal feed", "feed of staff without a place"]


@dataclass
class Served:
    """A calendar file as the portal served it, and the events it must hold."""

    name: str
    ics: bytes
    expected: dict[str, Event]

    @property
    def is_feed(self) -> bool:
        return self.name != "one event"


@pytest.fixture(params=FEEDS)
def served(request, client) -> Served:
    # Calendar files give times to the second.
    soon = timezone.now().replace(microsecond=0) + timedelta(days=10)
    events = [make_event(title="Netzwerkabend Suhl", starts_at=soon, description=MARKDOWN)]
    for index, edge in enumerate(EDGES):
        starts_at = local(*edge)
        events.append(
            make_event(
                title=f"Abend {index}",
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=2, minutes=15),
                description=MARKDOWN,
            )
        )
    person = UserFactory()
    register(events[0], person=person)
    register(events[2], status=Registration.Status.WAITLISTED, person=person)
    register(events[-1], person=person)
    staff = UserFactory(is_staff=True)

    if request.param == "one event":
        url, expected = f"/events/{events[1].pk}/event.ics", [events[1]]
    elif request.param == "public feed":
        url, expected = "/events/feed.ics", events
    elif request.param == "personal feed":
        feed = services.renew_feed(user=person)
        url, expected = f"/events/feed/{feed.token}.ics", [events[0], events[2], events[-1]]
    else:
        feed = services.renew_feed(user=staff)
        url, expected = f"/events/feed/{feed.token}.ics", []
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Served(request.param, response.content, {services.event_uid(e): e for e in expected})


def by_icalendar(ics: bytes) -> icalendar.Calendar:
    calendar = icalendar.Calendar.from_ical(ics)
    # icalendar is lenient: what it could not read it notes on the component.
    for component in calendar.walk():
        assert not component.errors, (component.name, component.errors)
    return calendar


def by_vobject(ics: bytes):
    # validate: vobject refuses a calendar that lacks what RFC 5545 requires.
    return vobject.readOne(ics.decode("utf-8"), validate=True)


def vobject_events(calendar) -> dict:
    return {entry.uid.value: entry for entry in calendar.contents.get("vevent", [])}


def test_both_parsers_find_the_events_at_the_instants_in_the_database(served):
    by_name = {str(entry["UID"]): entry for entry in by_icalendar(served.ics).events}
    parsed = by_vobject(served.ics)
    by_rules = vobject_events(parsed)
    # The file's own VTIMEZONE, not a zone vobject may have looked up by name before.
    (vtimezone,) = parsed.contents["vtimezone"]
    zone = vtimezone.gettzinfo()

    assert set(by_name) == set(by_rules) == set(served.expected)
    for uid, event in served.expected.items():
        for name, instant in (("DTSTART", event.starts_at), ("DTEND", event.ends_at)):
            read_by_name = by_name[uid].decoded(name)
            wall_time = by_rules[uid].contents[name.lower()][0].value
            read_by_rules = wall_time.replace(tzinfo=zone)
            assert read_by_name.astimezone(UTC) == instant.astimezone(UTC), (uid, name)
            assert read_by_rules.astimezone(UTC) == instant.astimezone(UTC), (
                uid,
                name,
                f"the VTIMEZONE puts {wall_time:%Y-%m-%d %H:%M} at UTC{read_by_rules:%z}",
            )


def test_both_parsers_read_the_same_texts(served):
    by_name = {str(entry["UID"]): entry for entry in by_icalendar(served.ics).events}
    by_rules = vobject_events(by_vobject(served.ics))
    for uid, entry in by_name.items():
        other = by_rules[uid]
        assert str(entry["SUMMARY"]) == other.summary.value
        assert str(entry["DESCRIPTION"]) == other.description.value
        assert str(entry["LOCATION"]) == other.location.value
        assert str(entry["URL"]) == other.url.value
        assert str(entry["STATUS"]) == other.status.value
        assert int(entry["SEQUENCE"]) == int(other.sequence.value)


def test_descriptions_are_plain_text_without_markdown_marks(served):
    entries = list(vobject_events(by_vobject(served.ics)).values())
    for entry in entries:
        description = entry.description.value
        assert "Ein Abend in vier kurzen Runden, mit Imbiss." in description
        for mark in ("**", "_mit_", "](", "`", "- Spannzangen"):
            assert mark not in description, (mark, description)
    if served.name == "feed of staff without a place":
        assert entries == []


def test_the_time_zone_is_written_as_yearly_rules_that_both_parsers_read(served):
    (by_name,) = by_icalendar(served.ics).walk("VTIMEZONE")
    assert by_name["TZID"] == "Europe/Berlin"
    (by_rules,) = by_vobject(served.ics).contents["vtimezone"]
    for kind, month in (("standard", 10), ("daylight", 3)):
        (part,) = by_rules.contents[kind]
        assert "rdate" not in part.contents
        rule = part.rrule.value
        assert f"BYMONTH={month}" in rule
        assert "BYDAY=-1SU" in rule
        assert "FREQ=YEARLY" in rule
        assert not by_name.walk(kind.upper())[0].get("RDATE")
    # The rule still holds decades on: the zone tzical builds from it.
    zone = by_rules.gettzinfo()
    assert datetime(2061, 3, 27, 12, tzinfo=zone).utcoffset() == timedelta(hours=2)
    assert datetime(2061, 10, 30, 12, tzinfo=zone).utcoffset() == timedelta(hours=1)


def test_a_feed_names_its_refresh_interval_as_a_duration_in_both_parsers(served):
    by_name = by_icalendar(served.ics)
    by_rules = by_vobject(served.ics)
    if not served.is_feed:
        # A single event is added to the person's own calendar; it has nothing to refresh.
        assert "REFRESH-INTERVAL" not in by_name
        return
    assert by_name["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert by_name.decoded("REFRESH-INTERVAL") == timedelta(hours=1)
    (line,) = by_rules.contents["refresh-interval"]
    assert line.params["VALUE"] == ["DURATION"]
    assert line.value == "PT1H"


def test_every_file_holds_a_component_also_a_feed_without_events(served):
    by_name = by_icalendar(served.ics)
    by_rules = by_vobject(served.ics)
    assert len(by_name.subcomponents) >= 1
    assert list(by_rules.components())
    assert len(by_name.events) == len(served.expected)
