"""Calendar files read right in every calendar app: the time zone as yearly rules (ical.js and
Outlook misread a list of dates), a refresh interval with its value type, a feed that is valid
with no event yet, and descriptions without Markdown marks. Checked by icalendar and, for the
time zone rules, independently with dateutil against the system's tz database."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from dateutil import rrule

from events.services import calendar as services
from tests.events.staff_helpers import local, make_event
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")


def _timezone(ics: bytes) -> icalendar.Timezone:
    calendar = icalendar.Calendar.from_ical(ics)
    (zone,) = calendar.walk("VTIMEZONE")
    return zone


def test_the_time_zone_is_written_as_yearly_rules_not_a_list_of_dates():
    ics = services.event_calendar(make_event(starts_at=local(2031, 7, 10, 18)))
    text = ics.decode()
    assert "RDATE" not in text
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3" in text
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10" in text
    assert _timezone(ics)["TZID"] == "Europe/Berlin"


def test_the_rules_give_the_same_summer_time_changes_as_the_tz_database_for_years_ahead():
    zone = _timezone(services.public_feed())
    for part in zone.subcomponents:
        rule = part["RRULE"].to_ical().decode()
        start = part.decoded("DTSTART")
        offset_after = part.decoded("TZOFFSETTO")
        for change in rrule.rrulestr(rule, dtstart=start).between(
            datetime(2026, 1, 1), datetime(2040, 1, 1)
        ):
            # One hour after the change (in the old local time), the tz database agrees.
            after = (change + timedelta(hours=1)).replace(tzinfo=BERLIN)
            assert after.utcoffset() == offset_after, (part.name, change)


def test_an_event_years_ahead_resolves_to_the_right_hour():
    event = make_event(starts_at=local(2033, 8, 4, 18), ends_at=local(2033, 8, 4, 22))
    calendar = icalendar.Calendar.from_ical(services.event_calendar(event))
    entry = calendar.events[0]
    assert entry.start == datetime(2033, 8, 4, 18, tzinfo=BERLIN)
    assert entry.start.utcoffset() == timedelta(hours=2)


def test_a_feed_names_its_refresh_interval_as_a_duration():
    text = services.public_feed().decode()
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in text


def test_an_empty_personal_feed_still_holds_a_component():
    feed = services.renew_feed(user=UserFactory())
    calendar = icalendar.Calendar.from_ical(services.personal_feed(feed))
    assert calendar.events == []
    assert len(calendar.subcomponents) >= 1


def test_the_description_is_plain_text_from_the_markdown():
    event = make_event(
        description="Ein Abend in **vier kurzen Runden**.\n\n- Spannzangen\n- [Anfahrt](https://example.org/weg)"
    )
    calendar = icalendar.Calendar.from_ical(services.event_calendar(event))
    description = str(calendar.events[0]["DESCRIPTION"])
    assert "Ein Abend in vier kurzen Runden." in description
    assert "• Spannzangen" in description
    assert "Anfahrt (https://example.org/weg)" in description
    assert "**" not in description
    assert "](" not in description
