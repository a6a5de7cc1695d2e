"""What each figure counts, in the reader's language: written into the funder report beside
each number, so a funder needs no other document. Keep in step with impact/figures.py and
docs/impact.md (the same text for developers)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

WHICH_EVENTS_COUNT = _(
    "Events that were published or are finished (not drafts, not cancelled events) and start "
    "within the period; with a town chosen, the events held in that town. Every figure about "
    "events (invitations, registrations, attendance, speed-dating meetings, follow-ups, "
    "feedback) belongs to these events."
)

ABOUT_THE_DATA = _(
    "Deleting a person keeps their past registrations as anonymous rows, and attendance details "
    "are removed after the retention period the KAG set. The figures only count rows, so they "
    "do not change when personal data is removed."
)

FIGURES = {
    "events": _(
        "The events that count (see above), also by format: network evening, entrepreneur "
        "breakfast, company visit, company run, other."
    ),
    "invitations": _(
        "Invitations to these events, one per address (an address invited twice counts once)."
    ),
    "registrations": _(
        "Confirmed places at these events, walk-ins at the door included. Waitlisted and "
        "cancelled places do not count."
    ),
    "checked_in": _("Confirmed places whose person was checked in at the door."),
    "attendance_rate": _(
        "Checked-in people divided by confirmed places, only over events where check-in was used "
        "(at least one person checked in). An event without check-in says nothing about who "
        "came, so it is left out rather than counted as 0 %. Empty when no event in the period "
        "used check-in."
    ),
    "companies": _("Different companies with at least one checked-in person."),
    "new_companies": _("Those of them with no checked-in person at any earlier event."),
    "meetings": _(
        "In the seat plans of these events, once the event is over: for every table in every "
        "round, each two people who sat there (a table of 2 is 1 meeting, of 3 is 3, of 4 is 6)."
    ),
    "follow_ups": _(
        "Pairs of attendees who both marked “I would like to stay in touch” for each other after "
        "an event. A one-sided mark does not count."
    ),
    "requests": _(
        "Requests on the board “Who can help?” posted in the period; with a town: by companies "
        "of that town."
    ),
    "answered_requests": _(
        "Of these, requests that a member answered on the board or that were closed naming a "
        "helper."
    ),
    "cooperations": _(
        "Cooperations that started in the period and that every involved company has confirmed; "
        "with a town: where one of the companies is in that town."
    ),
    "not_without_kag": _(
        "Those whose answer to “Would it have come about without the KAG network?” is “probably "
        "not” or “no”."
    ),
    "feedback": _("Feedback forms filled in for these events (one per attendee)."),
    "average_rating": _(
        "The mean of their ratings (1 to 5 stars), to one decimal; the chart shows how many gave "
        "each rating."
    ),
    "attendance_by_month": _("The figure “Checked in”, by the month of the event."),
    "next_formats": _("The format people chose when asked which one they would like next."),
    "topics": _(
        "The topics people wrote for next time, grouped: different spellings of one topic "
        "(capitals, spaces, hyphens, umlauts, plural endings) count as one, and each answer "
        "counts once per topic."
    ),
    "stories": _(
        "Success stories published in the period that every company involved approved; with a "
        "town: where one of the companies is in that town."
    ),
}
