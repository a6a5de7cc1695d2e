"""The funder report: the dashboard's figures as labelled rows, for the CSV and the print view.

Both exports take their rows from here, and the rows from impact.figures.figures(), so the
exported numbers are the dashboard's numbers.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .figures import Figures


def _number(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return formats.number_format(value, decimal_pos=1)
    return str(value)


def stars_label(stars: int) -> str:
    return ngettext("%(stars)s star", "%(stars)s stars", stars) % {"stars": stars}


def report_rows(result: Figures) -> Iterator[tuple[str, str, str]]:
    """(section, figure, value) rows, in the order of the dashboard."""
    events = _("Events")
    yield events, _("Events held"), _number(result.events)
    for _key, label, count in result.events_by_format:
        yield events, label, _number(count)
    yield events, _("Invitations sent"), _number(result.invitations)
    yield events, _("Registrations"), _number(result.registrations)
    yield events, _("Checked in"), _number(result.checked_in)
    yield (
        events,
        _("Attendance rate (%)"),
        "" if result.attendance_percent is None else str(result.attendance_percent),
    )
    companies = _("Companies")
    yield companies, _("Companies that came"), _number(result.companies)
    yield companies, _("Of these, for the first time"), _number(result.new_companies)
    meeting = _("Meeting and working together")
    yield meeting, _("Speed-dating meetings held"), _number(result.meetings)
    yield meeting, _("Mutual follow-ups"), _number(result.mutual_follow_ups)
    yield meeting, _("Requests posted"), _number(result.requests_posted)
    yield meeting, _("Requests answered"), _number(result.requests_answered)
    yield meeting, _("Cooperations confirmed"), _number(result.cooperations)
    yield (
        meeting,
        _("Of these, not without the KAG network"),
        _number(result.cooperations_not_without_kag),
    )
    feedback = _("Feedback")
    yield feedback, _("Feedback given"), _number(result.feedback)
    yield feedback, _("Average rating (1–5)"), _number(result.average_rating)
    for stars, count in result.ratings:
        yield (
            feedback,
            ngettext("%(stars)s star", "%(stars)s stars", stars) % {"stars": stars},
            _number(count),
        )
    for _key, label, count in result.next_formats:
        yield feedback, _("Next format wished: %(format)s") % {"format": label}, _number(count)
