"""Every mail the portal sends says it was written by a machine (no vacation replies to it) and
carries a Message-ID under the site's own domain that stays the same if the mail goes twice."""

from __future__ import annotations

import pytest
from django.core import mail as sent_mail

from kag_portal import mail

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("test_mail_templates")]


def send_notice(key: str = "notice:1", **kwargs):
    kwargs.setdefault("to_email", "ines@spannwerk.example")
    return mail.queue_mail(
        template="test_notice", context={"name": "Ines"}, idempotency_key=key, **kwargs
    )


def test_a_mail_says_it_was_generated_automatically(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send_notice()
    message = sent_mail.outbox[0].message()
    assert message["Auto-Submitted"] == "auto-generated"


def test_the_message_id_is_under_the_sites_domain(settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://portal.kag-suedthueringen.de"
    with django_capture_on_commit_callbacks(execute=True):
        row = send_notice()
    message_id = sent_mail.outbox[0].message()["Message-ID"]
    assert message_id.endswith("@portal.kag-suedthueringen.de>")
    assert "localhost" not in message_id
    assert message_id == mail.message_id(row)


def test_a_mail_sent_again_keeps_its_message_id_and_another_mail_has_its_own(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        first = send_notice("notice:1")
        other = send_notice("notice:2")
    assert mail.message_id(first) == mail.message_id(first)
    assert mail.message_id(first) != mail.message_id(other)
    assert (
        sent_mail.outbox[0].message()["Message-ID"] != sent_mail.outbox[1].message()["Message-ID"]
    )


def test_a_topic_mail_keeps_its_unsubscribe_headers_beside_the_new_ones(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        send_notice(topic="newsletter")
    message = sent_mail.outbox[0].message()
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Auto-Submitted"] == "auto-generated"
