"""A funder reads the report KAG staff print: every figure with what it counts, charts with their
numbers beside them, the topics people wished grouped, and the success stories of the period;
only KAG staff open it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Feedback
from impact.figures import Period, figures
from impact.topics import group_topics
from stories.models import Story
from tests.factories import (
    CompanyFactory,
    MembershipFactory,
    StaffFactory,
    TownFactory,
    UserFactory,
)
from tests.impact.test_figures import END, START, past_event, place
from tests.portal.test_home import publish_story
from tests.stories.helpers import cooperation_of, story_about

pytestmark = pytest.mark.django_db

QUERY = {"start": START.isoformat(), "end": END.isoformat()}


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


@pytest.fixture
def english_staff_client(client):
    # A logged-in person reads the portal in the language they chose.
    client.force_login(StaffFactory(preferred_language="en"))
    return client


def report(client, query=None):
    return client.get(reverse("impact:report"), query or QUERY)


def test_each_figure_stands_with_what_it_counts(english_staff_client, region):
    html = report(english_staff_client).content.decode()

    assert '<tr><th scope="row">Events held</th><td class="text-end report-value">2</td>' in html
    assert (
        '<tr><th scope="row">Speed-dating meetings held</th>'
        '<td class="text-end report-value">6</td>' in html
    )
    assert (
        '<tr><th scope="row">Cooperations confirmed</th><td class="text-end report-value">2</td>'
        in html
    )
    assert '<td class="text-end report-value">83 %</td>' in html  # the attendance rate
    # The definitions come with the report, not from a file a funder cannot open.
    assert "each two people who sat there (a table of 2 is 1 meeting" in html
    assert "Cooperations that started in the period and that every involved company" in html
    assert "docs/impact.md" not in html


def test_the_report_reads_in_german(staff_client, region):
    html = report(staff_client).content.decode()

    assert "Welche Veranstaltungen zählen" in html
    assert "Bestätigte Plätze bei diesen Veranstaltungen, spontane Gäste an der Tür" in html
    assert "Erfolgsgeschichten des Zeitraums" in html


def test_every_chart_has_its_numbers_in_a_table_beside_it(english_staff_client, region):
    html = report(english_staff_client).content.decode()

    for chart in ("chart-formats", "chart-funnel", "chart-months", "chart-together"):
        assert f'aria-labelledby="{chart}-title"' in html, chart
    # "From invitation to check-in": 3 invited, 8 confirmed places, 5 checked in.
    funnel = html[html.index('id="chart-funnel-heading"') :]
    funnel = funnel[: funnel.index("</table>")]
    assert '<tr><th scope="row">Invitations sent</th><td class="text-end">3</td></tr>' in funnel
    assert '<tr><th scope="row">Registrations</th><td class="text-end">8</td></tr>' in funnel
    assert '<tr><th scope="row">Checked in</th><td class="text-end">5</td></tr>' in funnel


def test_the_wished_topics_are_grouped_and_counted(staff_client, region):
    evening = past_event(date(2026, 3, 20), town=region["suhl"])
    for topics in (
        "Fachkräfte, Digitalisierung",
        "fachkräfte ",
        "Fach-Kräfte; KI im Mittelstand",
        "Digitalisierung\nFachkräfte",
    ):
        Feedback.objects.create(
            registration=place(evening, CompanyFactory()), rating=4, topics=topics
        )

    result = figures(Period(START, END))
    html = report(staff_client).content.decode()

    # With the region's own two topics ("Bus", "Kinderbetreuung").
    assert [(group.label, group.count) for group in result.topic_groups] == [
        ("Fachkräfte", 4),
        ("Digitalisierung", 2),
        ("Bus", 1),
        ("KI im Mittelstand", 1),
        ("Kinderbetreuung", 1),
    ]
    topics = html[html.index('id="topics-heading"') :]
    topics = topics[topics.index('class="table table-sm report-chart-table report-topics"') :]
    topics = topics[: topics.index("</table>")]
    assert topics.count('<tr><th scope="row">') == 5
    assert '<tr><th scope="row">Fachkräfte</th><td class="text-end">4</td></tr>' in topics
    assert "fachkräfte" not in html
    assert "Fach-Kräfte" not in html
    # The dashboard lists the same groups.
    dashboard = staff_client.get(reverse("impact:dashboard"), QUERY).content.decode()
    assert "<li>Fachkräfte: 4</li>" in dashboard
    assert "fachkräfte" not in dashboard


def test_grouping_keeps_the_spelling_most_people_used():
    groups = group_topics(["ki im Mittelstand", "KI im Mittelstand", "KI im Mittelstand, Bus", ""])
    assert [(group.label, group.count) for group in groups] == [
        ("KI im Mittelstand", 3),
        ("Bus", 1),
    ]


def test_only_published_stories_of_the_period_are_in_the_report(staff_client):
    today = timezone.localdate()
    period = {"start": (today - timedelta(days=30)).isoformat(), "end": today.isoformat()}
    shown = publish_story("Zwei Werkstätten, ein Auftrag")
    earlier = publish_story("Eine Geschichte vom Vorjahr", ("Drehteile Suhl", "Optik Oberhof"))
    Story.objects.filter(pk=earlier.pk).update(published_at=timezone.now() - timedelta(days=400))
    draft = story_about(
        cooperation_of(CompanyFactory(published=True), CompanyFactory(published=True)),
        title="Noch ein Entwurf",
    )
    assert draft.status == Story.Status.DRAFT

    html = report(staff_client, period).content.decode()

    assert shown.title in html
    assert "Feinwerk GmbH" in html  # with its firms
    assert "Spannwerk GmbH" in html
    assert f"{shown.get_absolute_url()}" in html
    assert earlier.title not in html
    assert draft.title not in html


def test_a_town_narrows_the_stories(staff_client):
    today = timezone.localdate()
    oberhof = TownFactory(name="Oberhof")
    story = publish_story("Zwei Werkstätten, ein Auftrag")
    query = {
        "start": (today - timedelta(days=30)).isoformat(),
        "end": today.isoformat(),
        "town": oberhof.pk,
    }
    assert story.title not in report(staff_client, query).content.decode()

    firm = story.companies.first()
    firm.town = oberhof
    firm.save()

    assert story.title in report(staff_client, query).content.decode()


def test_the_report_is_laid_out_for_printing_on_a4(staff_client, region):
    html = report(staff_client).content.decode()

    assert 'href="/static/css/impact-print.css" media="print"' in html
    from django.contrib.staticfiles import finders

    with open(finders.find("css/impact-print.css"), encoding="utf-8") as sheet:
        css = sheet.read()
    assert "size: A4" in css
    assert "break-before: page" in css


@pytest.mark.parametrize("path", ["impact:report", "impact:report_csv"])
def test_only_kag_staff_open_the_report(client, path):
    url = reverse(path)
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("account_login"))

    client.force_login(MembershipFactory().user)
    assert client.get(url).status_code == 403
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403


def test_the_report_takes_a_fixed_number_of_queries(
    staff_client, region, django_assert_max_num_queries
):
    today = timezone.localdate()
    query = {"start": START.isoformat(), "end": today.isoformat()}
    publish_story("Zwei Werkstätten, ein Auftrag")
    with django_assert_max_num_queries(26):
        report(staff_client, query)
    for number in range(8):
        event = past_event(date(2026, 2, 1) + timedelta(days=number), town=region["suhl"])
        for _person in range(5):
            Feedback.objects.create(
                registration=place(event, CompanyFactory(town=region["suhl"])),
                rating=5,
                topics=f"Thema {number}, Fachkräfte",
            )
        publish_story(f"Geschichte {number}", (f"Firma {number}a", f"Firma {number}b"))
    with django_assert_max_num_queries(26):
        html = report(staff_client, query).content.decode()
    assert "Geschichte 7" in html
