"""The list behind each figure of the dashboard: which rows a number counts.

Each entry names its title, the queryset (from impact.figures, so list and number agree) and
the columns to show. Columns read only what the queryset selected, so a page of any length
takes a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, F, QuerySet
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from . import figures
from .figures import Period


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[object], object]
    # A link for the cell, or None.
    url: Callable[[object], str | None] = lambda row: None


@dataclass(frozen=True)
class FigureList:
    title: str
    rows: Callable[[Period], QuerySet]
    columns: tuple[Column, ...]


def _date(value) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else ""


def _datetime(value) -> str:
    return formats.date_format(value, "SHORT_DATETIME_FORMAT") if value else ""


def _event_columns(event=lambda row: row) -> tuple[Column, ...]:
    return (
        Column(_("event"), lambda row: event(row).title, lambda row: event(row).get_absolute_url()),
        Column(_("date"), lambda row: _date(event(row).starts_at)),
    )


def _events(period: Period) -> QuerySet:
    return figures.events(period).select_related("town").order_by("starts_at")


def _registrations(query: Callable[[Period], QuerySet]) -> Callable[[Period], QuerySet]:
    def rows(period: Period) -> QuerySet:
        return query(period).select_related("event", "company").order_by("event__starts_at", "pk")

    return rows


def _companies(query: Callable[[Period], QuerySet]) -> Callable[[Period], QuerySet]:
    def rows(period: Period) -> QuerySet:
        return query(period).select_related("town").order_by("name")

    return rows


def _requests(query: Callable[[Period], QuerySet]) -> Callable[[Period], QuerySet]:
    def rows(period: Period) -> QuerySet:
        return (
            query(period)
            .select_related("company", "helped_by")
            .annotate(offer_count=Count("offers"))
            .order_by("-created_at")
        )

    return rows


def _cooperations(query: Callable[[Period], QuerySet]) -> Callable[[Period], QuerySet]:
    def rows(period: Period) -> QuerySet:
        return query(period).prefetch_related("companies").order_by("-started_on", "pk")

    return rows


def _meetings(period: Period) -> QuerySet:
    """Events with the number of seats held; the view turns tables into meetings."""
    return (
        _events(period)
        .filter(seating_plan__seats__in=figures.seats_played(period))
        .annotate(seats=Count("seating_plan__seats"))
        .order_by("starts_at")
    )


def _company_names(cooperation) -> str:
    return ", ".join(company.name for company in cooperation.companies.all())


_REGISTRATION_COLUMNS = (
    *_event_columns(lambda row: row.event),
    Column(_("company"), lambda row: row.company.name, lambda row: row.company.get_absolute_url()),
    Column(_("name"), lambda row: row.name),
    Column(_("checked in"), lambda row: _datetime(row.checked_in_at)),
)
_COMPANY_COLUMNS = (
    Column(_("company"), lambda row: row.name, lambda row: row.get_absolute_url()),
    Column(_("town"), lambda row: row.town.name),
)
_REQUEST_COLUMNS = (
    Column(_("request"), lambda row: row.title, lambda row: row.get_absolute_url()),
    Column(_("company"), lambda row: row.company.name),
    Column(_("posted"), lambda row: _date(row.created_at)),
    Column(_("answers"), lambda row: row.offer_count),
    Column(_("helped by"), lambda row: row.helped_by.name if row.helped_by else ""),
)
_COOPERATION_COLUMNS = (
    Column(_("companies"), _company_names),
    Column(_("what they do together"), lambda row: row.display_description),
    Column(_("started"), lambda row: _date(row.started_on)),
    Column(_("how it began"), lambda row: row.get_origin_display()),
    Column(_("without the KAG?"), lambda row: row.get_would_have_happened_without_kag_display()),
)

FIGURE_LISTS: dict[str, FigureList] = {
    "events": FigureList(
        _("Events"),
        _events,
        (
            *_event_columns(),
            Column(_("format"), lambda row: row.get_format_display()),
            Column(_("town"), lambda row: row.town.name),
        ),
    ),
    "invitations": FigureList(
        _("Invitations sent"),
        lambda period: (
            figures.invitations(period)
            .select_related("event", "company")
            .order_by("event__starts_at", "pk")
        ),
        (
            *_event_columns(lambda row: row.event),
            Column(_("company"), lambda row: row.company.name if row.company else ""),
            Column(_("email address"), lambda row: row.email),
        ),
    ),
    "registrations": FigureList(
        _("Registrations"), _registrations(figures.registrations), _REGISTRATION_COLUMNS
    ),
    "attendances": FigureList(
        _("Checked in"), _registrations(figures.attendances), _REGISTRATION_COLUMNS
    ),
    "companies": FigureList(
        _("Companies that came"), _companies(figures.attending_companies), _COMPANY_COLUMNS
    ),
    "new_companies": FigureList(
        _("Companies that came for the first time"),
        _companies(figures.new_companies),
        _COMPANY_COLUMNS,
    ),
    "meetings": FigureList(
        _("Speed-dating meetings"),
        _meetings,
        (*_event_columns(), Column(_("seats taken in all rounds"), lambda row: row.seats)),
    ),
    "follow_ups": FigureList(
        _("Mutual follow-ups"),
        lambda period: (
            figures.mutual_marks(period)
            .filter(registration_id__lt=F("partner_id"))
            .select_related("registration__event", "registration__company", "partner__company")
            .order_by("registration__event__starts_at", "pk")
        ),
        (
            *_event_columns(lambda row: row.registration.event),
            Column(_("company"), lambda row: row.registration.company.name),
            Column(_("company"), lambda row: row.partner.company.name),
        ),
    ),
    "requests": FigureList(
        _("Requests posted"), _requests(figures.help_requests), _REQUEST_COLUMNS
    ),
    "answered_requests": FigureList(
        _("Requests answered"), _requests(figures.answered_requests), _REQUEST_COLUMNS
    ),
    "cooperations": FigureList(
        _("Cooperations confirmed"), _cooperations(figures.cooperations), _COOPERATION_COLUMNS
    ),
    "not_without_kag": FigureList(
        _("Cooperations that would not have come about without the KAG"),
        _cooperations(
            lambda period: figures.cooperations(period).filter(
                would_have_happened_without_kag__in=figures.NOT_WITHOUT_KAG
            )
        ),
        _COOPERATION_COLUMNS,
    ),
    "feedback": FigureList(
        _("Feedback"),
        lambda period: (
            figures.feedback(period).select_related("registration__event").order_by("-created_at")
        ),
        (
            *_event_columns(lambda row: row.registration.event),
            Column(_("rating"), lambda row: row.rating),
            Column(_("format next"), lambda row: row.get_next_format_display()),
            Column(_("topics"), lambda row: row.topics),
        ),
    ),
}
