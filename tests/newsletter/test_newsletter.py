"""The KAG writes a newsletter every six weeks: people subscribe (members with one click, others
with a confirmed address), staff compose an issue whose blocks the portal fills in, preview and
send it once, and anyone can read the sent issues."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from companies.models import HelpRequest
from kag_portal.mail import unsubscribe
from kag_portal.models import MailTopic, OutboxMail
from newsletter import services
from newsletter.models import NewsletterIssue, Subscriber
from tests.factories import CompanyFactory, EventFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def subscribe(client, email="leser@firma.example", language="de", consent="on"):
    data = {"email": email, "language": language}
    if consent:
        data["consent"] = consent
    return client.post(reverse("newsletter:subscribe"), data)


def confirm_path() -> str:
    row = OutboxMail.objects.get(idempotency_key__startswith="newsletter-confirm:")
    token = row.body_text.split("/newsletter/confirm/", 1)[1].split("/", 1)[0]
    return reverse("newsletter:confirm", args=[token])


def a_draft(**fields) -> NewsletterIssue:
    return NewsletterIssue.objects.create(
        subject=fields.pop("subject", "KAG-Brief November"),
        intro=fields.pop("intro", "Liebe Unternehmerinnen und Unternehmer, …"),
        **fields,
    )


def confirmed(email: str, language: str = "de") -> Subscriber:
    return Subscriber.objects.create(email=email, language=language, confirmed_at=timezone.now())


# --- subscribing ----------------------------------------------------------------------------------


def test_a_visitor_subscribes_and_gets_nothing_before_confirming(client):
    response = subscribe(client)

    assert response.status_code == 200
    assert "leser@firma.example" in response.content.decode()
    subscriber = Subscriber.objects.get()
    assert subscriber.confirmed_at is None
    assert (
        OutboxMail.objects.filter(
            idempotency_key__startswith="newsletter-confirm:", to_email="leser@firma.example"
        ).count()
        == 1
    )
    assert list(services.recipients()) == []


def test_opening_the_link_asks_and_only_the_button_confirms(client):
    subscribe(client)
    path = confirm_path()

    page = client.get(path)  # a mail scanner opening the link changes nothing
    assert page.status_code == 200
    assert Subscriber.objects.get().confirmed_at is None

    client.post(path)
    assert Subscriber.objects.get().confirmed_at is not None
    assert [s.email for s in services.recipients()] == ["leser@firma.example"]


def test_a_forged_or_expired_link_is_refused(client, monkeypatch):
    subscribe(client)
    path = confirm_path()
    assert client.post(path[:-3] + "xyz/").status_code == 404

    # A link made eight days ago: the signature holds, but it is too old.
    subscriber = Subscriber.objects.get()
    eight_days_ago = int((timezone.now() - timedelta(days=8)).timestamp())
    monkeypatch.setattr(
        signing.TimestampSigner, "timestamp", lambda self: signing.b62_encode(eight_days_ago)
    )
    old_link = reverse("newsletter:confirm", args=[services.confirmation_token(subscriber)])
    monkeypatch.undo()
    assert client.post(old_link).status_code == 404
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is None


def test_subscribing_again_tells_nobody_who_reads_and_mails_at_most_hourly(client):
    confirmed("bekannt@firma.example")
    first = subscribe(client, email="bekannt@firma.example")
    assert first.status_code == 200
    assert not OutboxMail.objects.filter(to_email="bekannt@firma.example").exists()

    subscribe(client, email="neu@firma.example")
    subscribe(client, email="NEU@firma.example")
    assert OutboxMail.objects.filter(to_email="neu@firma.example").count() == 1
    assert Subscriber.objects.filter(email__iexact="neu@firma.example").count() == 1


@pytest.mark.parametrize(
    ("email", "consent"), [("kein-an-der-adresse", "on"), ("leser@firma.example", "")]
)
def test_bad_subscriptions_are_refused_with_a_message(client, email, consent):
    response = subscribe(client, email=email, consent=consent)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Subscriber.objects.exists()


def test_a_member_subscribes_and_unsubscribes_on_their_page(client):
    member = UserFactory(preferred_language="en")
    client.force_login(member)

    client.post(reverse("newsletter:member_subscription"), {"subscribe": "1"})
    subscriber = Subscriber.objects.get(user=member)
    assert subscriber.confirmed_at is not None
    assert subscriber.language == "en"
    assert 'value="0"' in client.get(reverse("me")).content.decode()

    client.post(reverse("newsletter:member_subscription"), {"subscribe": "0"})
    assert not Subscriber.objects.exists()


# --- composing and sending ------------------------------------------------------------------------


def test_the_preview_shows_the_blocks_the_portal_fills_in(client):
    EventFactory(title="Netzwerkabend im Dezember")
    company = CompanyFactory(name="Spannzeug Suhl GmbH", published=True)
    HelpRequest.objects.create(company=company, title="Sonder-Spannzangen gesucht", description="…")
    draft = a_draft(intro="Hallo <script>alert(1)</script> **Region**")
    client.force_login(StaffFactory())

    page = client.get(reverse("staff_newsletter:edit", args=[draft.pk])).content.decode()

    assert "Netzwerkabend im Dezember" in page
    assert "Spannzeug Suhl GmbH" in page
    assert "Sonder-Spannzangen gesucht" in page
    assert "<strong>Region</strong>" in page
    assert "<script>alert(1)</script>" not in page
    assert not OutboxMail.objects.exists()  # previewing sends nothing


def test_staff_write_an_issue_in_the_browser_form(client):
    client.force_login(StaffFactory())
    response = client.post(
        reverse("staff_newsletter:create"),
        {"subject": "KAG-Brief", "intro": "Hallo", "include_events": "on"},
    )
    issue = NewsletterIssue.objects.get()
    assert response.url == reverse("staff_newsletter:edit", args=[issue.pk])
    assert issue.include_events
    assert not issue.include_requests

    empty = client.post(reverse("staff_newsletter:create"), {"subject": "", "intro": ""})
    assert empty.status_code == 200
    assert empty.context["form"].errors
    assert NewsletterIssue.objects.count() == 1


def test_sending_reaches_confirmed_subscribers_once_each_in_their_language(
    client, django_capture_on_commit_callbacks
):
    confirmed("de@firma.example", "de")
    confirmed("en@firma.example", "en")
    Subscriber.objects.create(email="wartet@firma.example")  # not confirmed
    confirmed("abgemeldet@firma.example")
    unsubscribe(email="abgemeldet@firma.example", topic=MailTopic.NEWSLETTER)
    draft = a_draft()
    client.force_login(StaffFactory())

    confirm_page = client.get(reverse("staff_newsletter:send", args=[draft.pk]))
    assert confirm_page.context["recipients"] == 2
    assert not OutboxMail.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("staff_newsletter:send", args=[draft.pk]))
        client.post(reverse("staff_newsletter:send", args=[draft.pk]))  # a second click
        services.fan_out(draft.pk)  # a task delivered twice
        services.resume_sending()

    sent = OutboxMail.objects.filter(idempotency_key__startswith=f"newsletter:{draft.pk}:")
    assert sorted(sent.values_list("to_email", "language")) == [
        ("de@firma.example", "de"),
        ("en@firma.example", "en"),
    ]
    draft.refresh_from_db()
    assert draft.status == NewsletterIssue.Status.SENT
    assert draft.recipient_count == 2
    delivered = {message.to[0]: message for message in mail.outbox}
    assert set(delivered) == {"de@firma.example", "en@firma.example"}
    assert "List-Unsubscribe" in delivered["de@firma.example"].extra_headers
    assert "All issues of the newsletter" in delivered["en@firma.example"].body


def test_english_readers_get_the_english_subject_and_intro(
    client, django_capture_on_commit_callbacks
):
    confirmed("de@firma.example", "de")
    confirmed("en@firma.example", "en")
    draft = a_draft(
        subject="KAG-Brief Dezember",
        intro="Liebe Unternehmerinnen und Unternehmer",
        subject_en="KAG letter December",
        intro_en="Dear business owners",
    )
    client.force_login(StaffFactory())

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("staff_newsletter:send", args=[draft.pk]))

    delivered = {message.to[0]: message for message in mail.outbox}
    assert delivered["en@firma.example"].subject == "KAG letter December"
    assert "Dear business owners" in delivered["en@firma.example"].body
    assert delivered["de@firma.example"].subject == "KAG-Brief Dezember"
    assert "Liebe Unternehmerinnen" in delivered["de@firma.example"].body
    client.logout()
    english_archive = client.get(
        reverse("newsletter:issue", args=[draft.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "KAG letter December" in english_archive.content.decode()


def test_the_send_page_warns_when_english_readers_would_get_german(client):
    confirmed("en@firma.example", "en")
    draft = a_draft()
    client.force_login(StaffFactory())

    page = client.get(reverse("staff_newsletter:send", args=[draft.pk])).content.decode()

    assert "liest Englisch" in page


def test_an_issue_left_being_sent_is_finished_by_the_periodic_task():
    confirmed("leser@firma.example")
    issue = a_draft(status=NewsletterIssue.Status.SENDING, sent_at=timezone.now())

    assert services.resume_sending() == 1
    assert services.resume_sending() == 0
    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.SENT
    assert OutboxMail.objects.filter(to_email="leser@firma.example").count() == 1


def test_someone_who_subscribes_after_sending_does_not_get_the_old_issue():
    confirmed("frueh@firma.example")
    issue = a_draft()
    services.start_sending(issue_id=issue.pk, by=None)
    confirmed("spaet@firma.example")
    NewsletterIssue.objects.filter(pk=issue.pk).update(status=NewsletterIssue.Status.SENDING)

    services.resume_sending()

    assert not OutboxMail.objects.filter(to_email="spaet@firma.example").exists()


# --- the archive ----------------------------------------------------------------------------------


def test_the_archive_shows_sent_issues_as_they_were_sent(client):
    event = EventFactory(title="Unternehmerfrühstück in Oberhof")
    issue = a_draft(subject="KAG-Brief Oktober")
    services.start_sending(issue_id=issue.pk, by=None)
    event.title = "Geänderter Titel"
    event.save()
    draft = a_draft(subject="Noch nicht fertig")

    archive = client.get(reverse("newsletter:archive")).content.decode()
    page = client.get(reverse("newsletter:issue", args=[issue.pk])).content.decode()

    assert "KAG-Brief Oktober" in archive
    assert "Noch nicht fertig" not in archive
    assert "Unternehmerfrühstück in Oberhof" in page
    assert client.get(reverse("newsletter:issue", args=[draft.pk])).status_code == 404


def test_a_sent_issue_cannot_be_edited(client):
    issue = a_draft()
    services.start_sending(issue_id=issue.pk, by=None)
    client.force_login(StaffFactory())
    response = client.post(
        reverse("staff_newsletter:edit", args=[issue.pk]), {"subject": "Neu", "intro": "x"}
    )
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.subject == "KAG-Brief November"


def test_list_pages_take_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    for number in range(15):
        issue = a_draft(subject=f"Ausgabe {number}")
        services.start_sending(issue_id=issue.pk, by=None)
    with django_assert_max_num_queries(8):
        client.get(reverse("newsletter:archive"))
    client.force_login(StaffFactory())
    with django_assert_max_num_queries(12):
        client.get(reverse("staff_newsletter:list"))


# --- personal data --------------------------------------------------------------------------------


def test_a_persons_subscription_is_in_their_export_and_goes_with_their_account():
    from kag_portal.personal_data import export_user_data

    member = UserFactory()
    services.subscribe_member(member)
    exported = export_user_data(member)
    assert exported["newsletter"]["subscribed"] is True
    services.delete_personal_data(member)
    assert not Subscriber.objects.exists()
