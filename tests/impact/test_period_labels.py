"""The period's "to" is not the outbox's "to": the bare msgid is translated "Empfänger"
(recipient) in German, which the impact pages showed as the label of the period's end."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.utils import translation

from impact.forms import PeriodForm
from kag_portal.models import OutboxMail
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def test_the_end_of_the_period_is_not_labelled_as_a_mail_recipient(client):
    with translation.override("de"):
        recipient = str(OutboxMail._meta.get_field("to_email").verbose_name)
        assert str(PeriodForm().fields["end"].label) != recipient

    Group.objects.get_or_create(name="KAG-Team")
    client.force_login(StaffFactory())
    response = client.get("/staff/impact/report.csv?start=2026-01-01&end=2026-06-30")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    end_row = [line for line in text.splitlines() if line.endswith(";2026-06-30")]
    assert len(end_row) == 1
    assert recipient not in end_row[0]
