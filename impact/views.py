"""The impact pages for KAG staff under /staff/impact/: dashboard, the list behind each figure,
and the funder report as CSV and for printing. Staff only (`staff_required`)."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from companies.services import csv_io
from kag_portal.access import staff_required

from . import charts, definitions
from .figures import Period, figures
from .forms import period_form
from .lists import FIGURE_LISTS
from .report import report_rows, report_sections, stars_label, stories_of, topics_chart


def _period(request: HttpRequest):
    form = period_form(request.GET)
    period = form.period() if form.is_valid() else None
    return form, period


def _query(period: Period) -> str:
    """The period as a query string, carried to the lists and exports."""
    query = f"start={period.start.isoformat()}&end={period.end.isoformat()}"
    if period.town is not None:
        query += f"&town={period.town.pk}"
    return query


@staff_required
def dashboard(request: HttpRequest) -> HttpResponse:
    form, period = _period(request)
    context = {"form": form, "result": None}
    if period is not None:
        result = figures(period)
        context.update(
            result=result,
            query=_query(period),
            formats_chart=charts.bar_chart(
                [(label, count) for _key, label, count in result.events_by_format]
            ),
            ratings_chart=charts.bar_chart(
                [(stars_label(stars), n) for stars, n in result.ratings]
            ),
            months_chart=charts.bar_chart(
                [(month.strftime("%m/%Y"), n) for month, n in result.attendance_by_month]
            ),
        )
    return render(request, "impact/dashboard.html", context)


@staff_required
def figure_list(request: HttpRequest, figure: str) -> HttpResponse:
    figure_list = FIGURE_LISTS.get(figure)
    if figure_list is None:
        raise Http404
    form, period = _period(request)
    context = {"form": form, "figure": figure, "figure_list": figure_list, "page": None}
    if period is not None:
        page = Paginator(figure_list.rows(period), 50).get_page(request.GET.get("page"))
        context.update(
            page=page,
            query=_query(period),
            rows=[
                [(column.value(row), column.url(row)) for column in figure_list.columns]
                for row in page
            ],
        )
    return render(request, "impact/figure_list.html", context)


@staff_required
def report(request: HttpRequest) -> HttpResponse:
    form, period = _period(request)
    context = {"form": form, "result": None}
    if period is not None:
        result = figures(period)
        context.update(
            result=result,
            sections=report_sections(result),
            topics_chart=topics_chart(result),
            stories=list(stories_of(period)),
            definitions=definitions,
            # Printed links are written out in full: paper has no link to follow.
            site_url=settings.SITE_URL,
            # The CSV's rows, as the report's last table.
            rows=list(report_rows(result)),
            query=_query(period),
        )
    return render(request, "impact/report.html", context)


@staff_required
def report_csv(request: HttpRequest) -> HttpResponse:
    form, period = _period(request)
    if period is None:
        return render(request, "impact/report.html", {"form": form, "result": None}, status=400)
    result = figures(period)
    header = [_("section"), _("figure"), _("value")]
    lines = [
        header,
        [_("period"), _("from"), period.start.isoformat()],
        [_("period"), pgettext("end of a period", "to"), period.end.isoformat()],
        [_("period"), _("town"), period.town.name if period.town else _("all towns")],
        *([section, label, value] for section, label, value in report_rows(result)),
    ]
    rows = ([csv_io.excel_safe(cell) for cell in line] for line in lines)
    response = StreamingHttpResponse(csv_io.csv_lines(rows), content_type="text/csv; charset=utf-8")
    filename = f"kag-wirkung-{period.start.isoformat()}-{period.end.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
