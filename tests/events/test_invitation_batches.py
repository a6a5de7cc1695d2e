"""Invitation rounds in batches: one SMTP connection and a fixed number of queries per batch,
opted-out addresses skipped, sending starts while later batches still wait, and a refused
address costs neither the other mails nor a second copy of them."""

from __future__ import annotations

import asyncio
from contextlib import contextmanager

import pytest
from aiosmtpd.controller import Controller
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import EventInvitation
from events.services import invitation_rounds, invitations
from events.services.invitations import Kind
from kag_portal.mail import deliver_outbox_mails, unsubscribe
from kag_portal.models import MailTopic, OutboxMail
from tests.events.invitation_helpers import send_round
from tests.factories import EventFactory
from tests.portal.smtp_servers import _free_port

pytestmark = pytest.mark.django_db


class CountingSink:
    """Takes every mail except to the refused addresses; counts the connections it saw."""

    def __init__(self, refused=()):
        self.refused = {address.lower() for address in refused}
        self.connections: set = set()
        self.received: list[str] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.connections.add(session.peer)
        if address.lower() in self.refused:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.extend(address.lower() for address in envelope.rcpt_tos)
        return "250 OK"


@contextmanager
def sink(settings, refused=()):
    handler = CountingSink(refused)
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 2
    try:
        yield handler
    finally:
        controller.stop()


def addresses(n: int, start: int = 0) -> list[str]:
    return [f"gast{i}@firma{i}.example" for i in range(start, start + n)]


def test_a_batch_of_invitations_goes_out_over_one_smtp_connection(settings):
    event = EventFactory()
    with sink(settings) as server:
        send_round(event, {"kind": Kind.EMAILS, "emails": addresses(30)})
    assert sorted(server.received) == sorted(addresses(30))
    assert len(server.connections) == 1
    assert OutboxMail.objects.filter(status=OutboxMail.Status.SENT).count() == 30


def invitations_for(n: int) -> list[int]:
    event = EventFactory()
    audience = {"kind": Kind.EMAILS, "emails": addresses(n)}
    return invitations.invite(
        event_id=event.pk, audience=audience, invited_by_id=None
    ).invitation_ids


def test_recording_a_batch_takes_as_many_queries_for_100_people_as_for_10(
    django_assert_max_num_queries,
):
    ten = invitations_for(10)
    with CaptureQueriesContext(connection) as queries:
        invitations.mail_invitations(ten)
    assert OutboxMail.objects.filter(status=OutboxMail.Status.QUEUED).count() == 10
    assert len(queries) <= 9
    hundred = invitations_for(100)
    # One INSERT on PostgreSQL; SQLite's limit on query parameters splits it in two.
    with django_assert_max_num_queries(len(queries) + 2):
        invitations.mail_invitations(hundred)
    assert OutboxMail.objects.filter(status=OutboxMail.Status.QUEUED).count() == 110


def test_sending_a_batch_takes_about_one_query_per_mail(settings):
    event = EventFactory()
    made = invitations.invite(
        event_id=event.pk,
        audience={"kind": Kind.EMAILS, "emails": addresses(50)},
        invited_by_id=None,
    )
    invitations.mail_invitations(made.invitation_ids)
    pks = list(OutboxMail.objects.values_list("pk", flat=True))
    with sink(settings), CaptureQueriesContext(connection) as queries:
        deliver_outbox_mails(outbox_ids=pks)
    # the claim, reading the rows, then one "sent" per mail
    assert len(queries) <= 50 + 6


def test_opted_out_addresses_are_skipped_within_a_batch(settings):
    event = EventFactory()
    everyone = addresses(10)
    unsubscribe(email=everyone[3].upper(), topic=MailTopic.INVITATIONS)
    unsubscribe(email=everyone[7], topic=MailTopic.INVITATIONS)
    with sink(settings) as server:
        round_ = send_round(event, {"kind": Kind.EMAILS, "emails": everyone})
    assert sorted(server.received) == sorted(set(everyone) - {everyone[3], everyone[7]})
    skipped = OutboxMail.objects.filter(status=OutboxMail.Status.SKIPPED)
    assert sorted(skipped.values_list("to_email", flat=True)) == sorted([everyone[3], everyone[7]])
    (progress,) = invitation_rounds.progress([round_])
    assert (progress.sent, progress.unsubscribed, progress.waiting) == (8, 2, 0)


def test_every_mail_carries_its_own_links_and_unsubscribe_header(settings):
    event = EventFactory()
    with sink(settings):
        send_round(event, {"kind": Kind.EMAILS, "emails": addresses(3)})
    mails = list(OutboxMail.objects.order_by("pk"))
    links = {m.headers["List-Unsubscribe"] for m in mails}
    assert len(links) == 3
    for m in mails:
        invitation = EventInvitation.objects.get(email=m.to_email)
        assert invitations.invitation_token(invitation) in m.body_text


def test_the_first_batch_is_sent_before_the_last_batch_is_rendered(settings, monkeypatch):
    monkeypatch.setattr(invitation_rounds, "MAIL_BATCH", 10)
    event = EventFactory()
    with sink(settings) as server:
        send_round(event, {"kind": Kind.EMAILS, "emails": addresses(40)})
    assert len(server.received) == 40
    first_sent = OutboxMail.objects.order_by("sent_at").first()
    last_recorded = OutboxMail.objects.order_by("-created_at").first()
    assert first_sent.sent_at < last_recorded.created_at
    assert len(server.connections) == 4


def test_a_refused_address_neither_loses_nor_resends_the_others(settings):
    event = EventFactory()
    everyone = addresses(12)
    bad = everyone[5]
    with sink(settings, refused=[bad]) as server:
        round_ = send_round(event, {"kind": Kind.EMAILS, "emails": everyone})
        # The sweep and a second run of the batch send nothing more.
        invitation_rounds.mail_batch(round_.pk, round_.invitation_ids)
    assert sorted(server.received) == sorted(set(everyone) - {bad})
    failed = OutboxMail.objects.get(to_email=bad)
    assert failed.status == OutboxMail.Status.FAILED
    assert "550" in failed.last_error
    assert OutboxMail.objects.filter(status=OutboxMail.Status.SENT).count() == 11
    assert len(server.connections) == 1


class SlowSink(CountingSink):
    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.3)
        return await super().handle_DATA(server, session, envelope)


def test_a_batch_on_a_slow_server_gives_its_rest_back_before_the_sweep_would(settings):
    settings.OUTBOX_STALE_CLAIM_SECONDS = 1
    event = EventFactory()
    made = invitations.invite(
        event_id=event.pk,
        audience={"kind": Kind.EMAILS, "emails": addresses(6)},
        invited_by_id=None,
    )
    invitations.mail_invitations(made.invitation_ids)
    pks = list(OutboxMail.objects.values_list("pk", flat=True))
    handler = SlowSink()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    with sink(settings):
        settings.EMAIL_PORT = controller.port
        try:
            outcomes = deliver_outbox_mails(outbox_ids=pks)
        finally:
            controller.stop()
    # Half the stale-claim time: the rest went back to the queue (sent by its own batch task).
    assert 0 < outcomes["given-back"] < 6
    assert sorted(handler.received) == sorted(addresses(6))
    assert OutboxMail.objects.filter(status=OutboxMail.Status.SENT).count() == 6
