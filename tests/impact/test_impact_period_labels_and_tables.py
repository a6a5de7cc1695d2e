"""The impact pages: the period's end is not labelled as a mail recipient, and a figure list's
table scrolls by keyboard (found by tests/browser/test_evening_to_funder_report_journey.py)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone, translation

from impact.forms import PeriodForm
from kag_portal.models import OutboxMail
from tests.factories import StaffFactory
from tests.stories.helpers import cooperation_of, two_firms

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    Group.objects.get_or_create(name="KAG-Team")
    client.force_login(StaffFactory())
    return client


def test_the_end_of_the_period_is_not_labelled_as_a_mail_recipient(staff_client):
    """The bare msgid "to" is the outbox's recipient, "Empfänger" in German: the impact pages
    showed it as the label of the period's end, and the CSV as the name of its row."""
    with translation.override("de"):
        recipient = str(OutboxMail._meta.get_field("to_email").verbose_name)
        assert str(PeriodForm().fields["end"].label) != recipient

    response = staff_client.get("/staff/impact/report.csv?start=2026-01-01&end=2026-06-30")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    end_row = [line for line in text.splitlines() if line.endswith(";2026-06-30")]
    assert len(end_row) == 1
    assert recipient not in end_row[0]


def test_the_table_of_a_figure_list_scrolls_by_keyboard_too(staff_client):
    """On a phone the table scrolls sideways; a list without links (cooperations) has nothing
    else to focus, so the scrolling region itself must be focusable (axe: scrollable-region)."""
    spannwerk, feinwerk, _owner, _other_owner = two_firms()
    cooperation_of(spannwerk, feinwerk)
    today = timezone.localdate().isoformat()
    page = staff_client.get(f"/staff/impact/cooperations/?start={today}&end={today}")
    html = page.content.decode()
    assert "Spannwerk GmbH" in html
    region = html.split('<div class="table-responsive"', 1)[1].split(">", 1)[0]
    assert 'tabindex="0"' in region
    assert 'role="region"' in region
    assert 'aria-labelledby="figure-list-caption"' in region
    assert 'id="figure-list-caption"' in html
