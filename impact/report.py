"""The funder report: the dashboard's figures as labelled rows for the CSV, and as sections with
each figure's definition and charts for the printed report.

Both take their numbers from impact.figures.figures(), so the exported numbers are the
dashboard's numbers; the printed report ends with the CSV's rows as one table.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from companies.models import Company
from stories.models import Story
from stories.services import published_stories

from . import charts
from .definitions import FIGURES
from .figures import Figures, Period

# The topics chart shows the most wished ones; the table beside it lists every group.
TOPICS_IN_CHART = 10


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


# --- the printed report ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportFigure:
    label: str
    value: str
    definition: str


@dataclass(frozen=True)
class ReportChart:
    """A bar chart and, beside it, the same numbers as a table (its text alternative)."""

    id: str
    title: str
    label_heading: str
    value_heading: str
    chart: charts.BarChart
    rows: list[tuple[str, str]]
    definition: str = ""


@dataclass(frozen=True)
class ReportSection:
    id: str
    heading: str
    figures: list[ReportFigure]
    charts: list[ReportChart]


def _chart(id: str, title: str, items: list[tuple[str, int]], **headings) -> ReportChart:
    return ReportChart(
        id=id,
        title=title,
        label_heading=headings.get("label_heading", _("Figure")),
        value_heading=headings.get("value_heading", _("Value")),
        chart=charts.bar_chart(items),
        rows=[(label, _number(value)) for label, value in items],
        definition=headings.get("definition", ""),
    )


def report_sections(result: Figures) -> list[ReportSection]:
    """The report's sections in the order of the dashboard: each figure with what it counts,
    and the charts with their tables."""
    attendance = "" if result.attendance_percent is None else f"{result.attendance_percent} %"
    events = ReportSection(
        id="events",
        heading=_("Events"),
        figures=[
            ReportFigure(_("Events held"), _number(result.events), str(FIGURES["events"])),
            ReportFigure(
                _("Invitations sent"), _number(result.invitations), str(FIGURES["invitations"])
            ),
            ReportFigure(
                _("Registrations"), _number(result.registrations), str(FIGURES["registrations"])
            ),
            ReportFigure(_("Checked in"), _number(result.checked_in), str(FIGURES["checked_in"])),
            ReportFigure(_("Attendance rate"), attendance, str(FIGURES["attendance_rate"])),
        ],
        charts=[
            _chart(
                "chart-formats",
                _("Events by format"),
                [(label, count) for _key, label, count in result.events_by_format],
                label_heading=_("Format"),
            ),
            _chart(
                "chart-funnel",
                _("From invitation to check-in"),
                [
                    (_("Invitations sent"), result.invitations),
                    (_("Registrations"), result.registrations),
                    (_("Checked in"), result.checked_in),
                ],
            ),
            _chart(
                "chart-months",
                _("People checked in, by month"),
                [
                    (formats.date_format(month, "YEAR_MONTH_FORMAT"), count)
                    for month, count in result.attendance_by_month
                ],
                label_heading=_("Month"),
                definition=str(FIGURES["attendance_by_month"]),
            ),
        ],
    )
    companies = ReportSection(
        id="companies",
        heading=_("Companies"),
        figures=[
            ReportFigure(
                _("Companies that came"), _number(result.companies), str(FIGURES["companies"])
            ),
            ReportFigure(
                _("Of these, for the first time"),
                _number(result.new_companies),
                str(FIGURES["new_companies"]),
            ),
        ],
        charts=[],
    )
    together = ReportSection(
        id="together",
        heading=_("Meeting and working together"),
        figures=[
            ReportFigure(
                _("Speed-dating meetings held"), _number(result.meetings), str(FIGURES["meetings"])
            ),
            ReportFigure(
                _("Mutual follow-ups"),
                _number(result.mutual_follow_ups),
                str(FIGURES["follow_ups"]),
            ),
            ReportFigure(
                _("Requests posted"), _number(result.requests_posted), str(FIGURES["requests"])
            ),
            ReportFigure(
                _("Requests answered"),
                _number(result.requests_answered),
                str(FIGURES["answered_requests"]),
            ),
            ReportFigure(
                _("Cooperations confirmed"),
                _number(result.cooperations),
                str(FIGURES["cooperations"]),
            ),
            ReportFigure(
                _("Of these, not without the KAG network"),
                _number(result.cooperations_not_without_kag),
                str(FIGURES["not_without_kag"]),
            ),
        ],
        charts=[
            _chart(
                "chart-together",
                _("From meeting to cooperation"),
                [
                    (_("Speed-dating meetings held"), result.meetings),
                    (_("Mutual follow-ups"), result.mutual_follow_ups),
                    (_("Cooperations confirmed"), result.cooperations),
                    (
                        _("Of these, not without the KAG network"),
                        result.cooperations_not_without_kag,
                    ),
                ],
            ),
        ],
    )
    feedback_charts = [
        _chart(
            "chart-ratings",
            _("Ratings"),
            [(stars_label(stars), count) for stars, count in result.ratings],
            label_heading=_("Rating"),
        ),
    ]
    if result.next_formats:
        feedback_charts.append(
            _chart(
                "chart-next-formats",
                _("Formats people want next"),
                [(label, count) for _key, label, count in result.next_formats],
                label_heading=_("Format"),
                value_heading=_("Answers"),
                definition=str(FIGURES["next_formats"]),
            )
        )
    feedback = ReportSection(
        id="feedback",
        heading=_("Feedback"),
        figures=[
            ReportFigure(_("Feedback given"), _number(result.feedback), str(FIGURES["feedback"])),
            ReportFigure(
                _("Average rating (1–5)"),
                _number(result.average_rating),
                str(FIGURES["average_rating"]),
            ),
        ],
        charts=feedback_charts,
    )
    return [events, companies, together, feedback]


def topics_chart(result: Figures) -> ReportChart | None:
    """The most wished topics as a chart; None when nobody named one."""
    if not result.topic_groups:
        return None
    return _chart(
        "chart-topics",
        _("Topics people asked for"),
        [(group.label, group.count) for group in result.topic_groups[:TOPICS_IN_CHART]],
        label_heading=_("Topic"),
        value_heading=_("Answers"),
    )


def stories_of(period: Period) -> QuerySet[Story]:
    """The success stories published in the period (public now: released and approved by every
    company involved), oldest first as in a report; with a town, those with a company there."""
    found = (
        published_stories()
        .prefetch_related(None)  # the report names each company's town too
        .prefetch_related(
            Prefetch("companies", queryset=Company.objects.select_related("town").order_by("name"))
        )
        .filter(published_at__gte=period.starts_at, published_at__lt=period.ends_before)
    )
    if period.town is not None:
        found = found.filter(pk__in=Story.objects.filter(companies__town=period.town).values("pk"))
    return found.order_by("published_at", "pk")
