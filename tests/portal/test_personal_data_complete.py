"""DSGVO Art. 15 and 17 end to end: one person with every kind of data the portal holds.

The export lists it field by field; after the deletion no row of any table still holds the
person's addresses, name or free text, while the other people's data and the anonymous counts
stay. The one exception is the opt-out, kept on purpose (see kag_portal.personal_data).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from companies.models import Company, CooperationParty, HelpOffer, Invitation, Membership
from companies.services import cooperations, digest, help_requests, members
from events.models import EventInvitation, Feedback, Registration
from events.services import calendar, followups, registration
from kag_portal import mail
from kag_portal.models import BarrierReport, MailOptOut, OutboxMail
from kag_portal.personal_data import delete_user_data, export_user_data
from matchmaking.models import ContactMark, Seat
from matchmaking.services import contact_marks as marks
from newsletter import services as newsletter
from newsletter.models import NewsletterIssue, Subscriber
from stories.models import Story
from tests.events.staff_helpers import make_event, register
from tests.factories import CompanyFactory, MembershipFactory, StaffFactory, UserFactory
from tests.matchmaking.contact_marks_helpers import evening, seat_plan
from tests.stories.helpers import cooperation_of, story_about

pytestmark = pytest.mark.django_db

EMAIL = "ines@spannwerk.example"
PRIVATE_EMAIL = "ines.privat@postfach.example"
NAME = "Ines Hollerbach"
PHONE = "0171 5550199"
# Free text the person wrote, each place its own words.
ANSWER = f"Wir fertigen die Spannzangen. Rufen Sie mich direkt an: {PHONE}"
JOIN_MESSAGE = "Gruß vom Stammtisch in Zella-Mehlis"
TOPICS = "Busverbindungen ab Suhl"
FEEDBACK = "Mehr zu Förderprogrammen für Ausbildungsbetriebe"
BARRIER = f"Der Kontrast im Formular ist zu schwach, {NAME}"
NOTE = "Angebot für Gewindespindeln schicken"
DRAFT_BODY = "Mein Entwurf über die Drehbank im Hinterhof"
REGISTRATION_NAME = "Ines M. Hollerbach"
SECRETS = [EMAIL, PRIVATE_EMAIL, NAME, "Hollerbach", PHONE, ANSWER, JOIN_MESSAGE, TOPICS]
SECRETS += [FEEDBACK, BARRIER, NOTE, DRAFT_BODY, REGISTRATION_NAME]


@dataclass
class World:
    ines: object
    bernd: object
    otto: object
    gerd: object
    spannwerk: Company
    feinwerk: Company
    help_request: object
    past: object
    otto_place: Registration
    carla_place: Registration
    proposed: object
    told: object
    newsletter_issue: NewsletterIssue
    unrelated_mail: OutboxMail
    sent_about_ines: OutboxMail


def build_world(client) -> World:
    ines = UserFactory(email=EMAIL, display_name=NAME)
    EmailAddress.objects.create(user=ines, email=PRIVATE_EMAIL, verified=True, primary=False)
    bernd = UserFactory(email="bernd@spannwerk.example", display_name="Bernd Kessler")
    otto = UserFactory(email="otto@feinwerk.example", display_name="Otto Brandt")
    gerd = UserFactory(email="gerd@glaswerk.example", display_name="Gerd Wagner")
    spannwerk = CompanyFactory(published=True, name="Spannwerk GmbH", slug="spannwerk")
    feinwerk = CompanyFactory(published=True, name="Feinwerk GmbH", slug="feinwerk")
    glaswerk = CompanyFactory(published=True, name="Glaswerk Schleusingen", slug="glaswerk")
    # Two owners: Ines can leave without the company losing its last one.
    MembershipFactory(company=spannwerk, user=bernd)
    MembershipFactory(company=feinwerk, user=otto)
    MembershipFactory(company=glaswerk, user=gerd)
    invitation = members.invite(company=spannwerk, email=EMAIL, role="owner", by=bernd)
    members.accept_invitation(invitation=invitation, user=ines)

    # The requests board: Ines answers Feinwerk's request with her direct phone.
    help_request = help_requests.post_request(
        company=feinwerk,
        author=otto,
        title="Sonder-Spannzangen gesucht",
        description="Für Gewindespindeln, 40 Stück.",
        tag_labels=["Spannzangen"],
    )
    help_requests.answer_request(
        help_request=help_request, company=spannwerk, author=ines, message=ANSWER
    )
    digest.subscribe(user=ines)

    # Asking to join another firm; inviting a colleague to her own.
    members.request_to_join(company=glaswerk, user=ines, message=JOIN_MESSAGE)
    members.invite(company=spannwerk, email="lena@spannwerk.example", role="editor", by=ines)

    # A coming evening: her own place and one she booked for a colleague without an account.
    coming = make_event(title="Netzwerkabend Suhl", starts_at=timezone.now() + timedelta(days=9))
    registration.register(
        event=coming,
        company=spannwerk,
        person=ines,
        name=REGISTRATION_NAME,
        email=EMAIL,
        registered_by=ines,
        topics=TOPICS,
    )
    carla_place = registration.register(
        event=coming,
        company=spannwerk,
        name="Carla Brandt",
        email="carla@spannwerk.example",
        registered_by=ines,
    )
    EventInvitation.objects.create(event=coming, email=PRIVATE_EMAIL.upper())
    calendar.renew_feed(user=ines)

    # A past speed-dating evening: seats with Otto, feedback, marks both ways and the intro.
    past = evening(rounds=1, title="Speed-Dating im Glaswerk")
    ines_place = register(past, person=ines, company=spannwerk, name=NAME, topics=TOPICS)
    otto_place = register(past, person=otto, company=feinwerk, name="Otto Brandt")
    seat_plan(past, [[[ines_place, otto_place]]])
    now = timezone.now()
    followups.give_feedback(registration=ines_place, rating=4, topics=FEEDBACK, now=now)
    followups.give_feedback(registration=otto_place, rating=5, topics="Gern wieder", now=now)
    marks.save_marks(registration=ines_place, marks=[marks.MarkInput(otto_place.pk, True, NOTE)])
    marks.save_marks(
        registration=otto_place,
        marks=[marks.MarkInput(ines_place.pk, True, f"{NAME} anrufen")],
    )

    # Cooperations: one she recorded for Spannwerk, one Feinwerk told that she confirmed.
    proposed = cooperations.propose_cooperation(
        proposer=spannwerk,
        partners=[feinwerk],
        description="Spannzangen für Feinwerks Gewindespindeln",
        origin="event",
        created_by=ines,
    )
    followups.ask_partners_to_confirm(proposed, proposer=spannwerk, event=past)
    told = cooperations.propose_cooperation(
        proposer=feinwerk,
        partners=[spannwerk],
        description="Gemeinsamer Messestand in Erfurt",
        origin="other",
        created_by=otto,
    )
    cooperations.confirm_cooperation(cooperation=told, user=ines)

    # A story draft she began (no company asked yet).
    story_about(cooperation_of(spannwerk, feinwerk), author=ines, title="Entwurf", body=DRAFT_BODY)

    # The newsletter, sent to her and to Otto.
    newsletter.subscribe_member(ines)
    Subscriber.objects.create(email=otto.email, user=otto, confirmed_at=now)
    issue = NewsletterIssue.objects.create(
        subject="KAG-Brief Mai",
        intro="Liebe Unternehmerinnen und Unternehmer",
        status=NewsletterIssue.Status.SENDING,
        sent_at=timezone.now(),
    )
    newsletter.fan_out(issue.pk)

    # A barrier report, sent logged in, with her private address for an answer.
    client.force_login(ines)
    response = client.post(
        "/barrierefreiheit/melden/",
        {"page_url": "/anfragen/", "description": BARRIER, "contact_email": PRIVATE_EMAIL},
    )
    assert response.status_code == 302
    client.logout()
    BarrierReport.objects.create(page_url="/", description="Zoom bricht das Menü")

    # Mails outside any app: one to her private address without a link to the account, one
    # holding a key, one to somebody else that has nothing to do with her.
    mail.record_mail(
        to_email=PRIVATE_EMAIL,
        subject="Ihre Nachricht an die KAG",
        body_text="Guten Tag, danke für Ihre Nachricht.",
        carries_secret=False,
    )
    mail.record_mail(
        to_email=EMAIL,
        recipient=ines,
        subject="Passwort zurücksetzen",
        body_text="https://portal.example/accounts/password/reset/key/abc-123/",
    )
    unrelated = mail.record_mail(
        to_email=bernd.email,
        recipient=bernd,
        subject="Ihr Profil",
        body_text="Guten Tag Herr Kessler",
        carries_secret=False,
    )
    # One mail about her already went out: sent, its body kept (it holds no key).
    sent_about = OutboxMail.objects.get(template="request_answer")
    OutboxMail.objects.filter(pk=sent_about.pk).update(
        status=OutboxMail.Status.SENT, sent_at=timezone.now(), carries_secret=False
    )
    mail.unsubscribe(email=EMAIL, topic="digest")
    staff = StaffFactory()
    LogEntry.objects.create(
        user=staff,
        content_type=ContentType.objects.get_for_model(ines),
        object_id=str(ines.pk),
        object_repr=str(ines),
        action_flag=CHANGE,
        change_message=f"Adresse {EMAIL} geprüft",
    )
    return World(
        ines=ines,
        bernd=bernd,
        otto=otto,
        gerd=gerd,
        spannwerk=spannwerk,
        feinwerk=feinwerk,
        help_request=help_request,
        past=past,
        otto_place=otto_place,
        carla_place=carla_place,
        proposed=proposed,
        told=told,
        newsletter_issue=issue,
        unrelated_mail=unrelated,
        sent_about_ines=sent_about,
    )


def rows_holding(strings: list[str]) -> list[tuple[str, int, str, str]]:
    """Every (model, pk, field, string) where a text or JSON column of any table holds one of
    the strings, ignoring case."""
    wanted = [string.lower() for string in strings]
    found = []
    for model in apps.get_models():
        fields = [
            field.attname
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField | models.JSONField)
        ]
        if not fields:
            continue
        for row in model._default_manager.values_list("pk", *fields):
            for field, value in zip(fields, row[1:], strict=True):
                text = str(value).lower()
                found += [(model.__name__, row[0], field, s) for s in wanted if s in text]
    return found


@pytest.fixture
def world(client) -> World:
    return build_world(client)


# --- the export -------------------------------------------------------------------------------


def test_the_export_holds_the_account_and_every_mail_to_or_about_the_person(world):
    data = export_user_data(world.ines)

    account = data["account"]
    assert account["email"] == EMAIL
    assert account["display_name"] == NAME
    assert {a["email"] for a in account["email_addresses"]} == {EMAIL, PRIVATE_EMAIL}
    to_her = {(m["to"], m["subject"]): m for m in account["mails_sent_to_you"]}
    # To the private address, though no row links it to the account.
    private = to_her[(PRIVATE_EMAIL, "Ihre Nachricht an die KAG")]
    assert private["text"] == "Guten Tag, danke für Ihre Nachricht."
    assert private["status"] == "queued"
    assert private["created_at"]
    assert private["sent_at"] is None
    # A mail that holds a key is listed without its text.
    assert to_her[(EMAIL, "Passwort zurücksetzen")]["text"] is None
    templates = set(OutboxMail.objects.filter(to_email=EMAIL).values_list("template", flat=True))
    assert {"registration_confirmed", "contact_intro", "newsletter_issue"} <= templates
    assert (
        len(account["mails_sent_to_you"])
        == OutboxMail.objects.filter(to_email__in=[EMAIL, PRIVATE_EMAIL]).count()
    )
    about = account["mails_about_you"]
    assert {m["to"] for m in about} == {
        world.otto.email,  # her answer, the intro, the cooperation to confirm
        world.gerd.email,  # her request to join Glaswerk
        "lena@spannwerk.example",  # her invitation
        "carla@spannwerk.example",  # the place she booked for Carla
        settings.KAG_CONTACT_EMAIL,  # her barrier report
    }
    assert all("text" not in m for m in about)
    assert account["barrier_reports"] == [
        {
            "page": "/anfragen/",
            "description": BARRIER,
            "contact_email": PRIVATE_EMAIL,
            "reported_at": BarrierReport.objects.get(reporter=world.ines).created_at.isoformat(),
            "handled_at": None,
        }
    ]


def test_the_export_holds_what_each_app_keeps_about_the_person(world):
    data = export_user_data(world.ines)

    companies = data["companies"]
    assert [(m["company"], m["role"]) for m in companies["memberships"]] == [
        ("Spannwerk GmbH", "owner")
    ]
    assert companies["join_requests"][0]["message"] == JOIN_MESSAGE
    assert companies["invitations_sent"][0]["email"] == "lena@spannwerk.example"
    assert companies["invitations_accepted"][0]["company"] == "Spannwerk GmbH"
    confirmed = {(c["company"], c["cooperation"]) for c in companies["cooperations_confirmed"]}
    assert confirmed == {
        ("Spannwerk GmbH", "Spannzangen für Feinwerks Gewindespindeln"),
        ("Spannwerk GmbH", "Gemeinsamer Messestand in Erfurt"),
    }
    assert all(c["confirmed_at"] and c["started_on"] for c in companies["cooperations_confirmed"])
    assert companies["cooperations_recorded"] == [
        {
            "companies": ["Feinwerk GmbH", "Spannwerk GmbH"],
            "description": "Spannzangen für Feinwerks Gewindespindeln",
            "started_on": world.proposed.started_on.isoformat(),
            "recorded_at": world.proposed.created_at.isoformat(),
        }
    ]
    assert data["requests"]["answers_given"][0]["message"] == ANSWER
    assert data["requests"]["weekly_digest"] is not None
    events = {(e["event"], e["name"]): e for e in data["events"]}
    assert events[("Netzwerkabend Suhl", REGISTRATION_NAME)]["topics"] == TOPICS
    assert events[("Speed-Dating im Glaswerk", NAME)]["feedback"]["topics"] == FEEDBACK
    assert [i["email"] for i in data["event_invitations"]] == [PRIVATE_EMAIL.upper()]
    assert data["events_calendar"]["feed_url"].startswith("http")
    assert data["matchmaking"]["seats"] == [
        {"event": "Speed-Dating im Glaswerk", "round": 1, "table": 1}
    ]
    assert [m["note"] for m in data["matchmaking"]["contact_marks"]] == [NOTE]
    assert data["newsletter"]["subscribed"] is True
    assert data["stories"]["stories_written"][0]["body"] == DRAFT_BODY
    # What others wrote about her is theirs, not part of her export.
    assert "anrufen" not in str(data)


# --- the deletion -----------------------------------------------------------------------------


def test_after_the_deletion_no_row_anywhere_holds_the_persons_address_name_or_words(world):
    before = {(model, field) for model, _pk, field, _s in rows_holding(SECRETS)}
    # The check finds them while she is there: in the outbox and each app's free text.
    assert {
        ("OutboxMail", "subject"),
        ("OutboxMail", "body_text"),
        ("OutboxMail", "idempotency_key"),
        ("HelpOffer", "message"),
        ("Feedback", "topics"),
        ("BarrierReport", "description"),
        ("Story", "body"),
        ("LogEntry", "object_repr"),
    } <= before

    delete_user_data(world.ines)

    left = rows_holding(SECRETS)
    # The opt-out keeps the address on purpose: it stops mail to it for good.
    assert [(model, field) for model, _pk, field, _s in left] == [("MailOptOut", "email")]
    assert MailOptOut.objects.get().email == EMAIL


def test_mails_to_and_about_the_person_are_emptied_and_those_not_sent_are_never_sent(world):
    to_her = set(
        OutboxMail.objects.filter(to_email__in=[EMAIL, PRIVATE_EMAIL]).values_list("pk", flat=True)
    )
    queued_about = set(
        OutboxMail.objects.filter(
            about_people=world.ines, status=OutboxMail.Status.QUEUED
        ).values_list("pk", flat=True)
    )
    total = OutboxMail.objects.count()

    delete_user_data(world.ines)

    assert OutboxMail.objects.count() == total  # redacted, not deleted: counts stay right
    for row in OutboxMail.objects.filter(pk__in=to_her | queued_about):
        assert (row.body_text, row.body_html, row.headers) == ("", "", {})
        assert row.body_removed_at is not None
        assert row.status == OutboxMail.Status.SKIPPED
        assert row.sent_at is None
    for row in OutboxMail.objects.filter(pk__in=to_her):
        assert row.to_email == f"deleted-{row.pk}@invalid"
    sent = OutboxMail.objects.get(pk=world.sent_about_ines.pk)
    assert sent.status == OutboxMail.Status.SENT
    assert sent.body_text == ""
    assert sent.to_email == world.otto.email  # the recipient is Otto's, and Otto stays
    # The newsletter still counts two recipients; its keys keep the issue's prefix.
    issue_key = f"newsletter:{world.newsletter_issue.pk}:"
    assert OutboxMail.objects.filter(idempotency_key__startswith=issue_key).count() == 2
    # A skipped mail is never claimed for sending.
    assert mail.deliver_outbox_mail(outbox_id=min(queued_about)).outcome == "not-claimed"


def test_other_peoples_data_and_the_anonymous_counts_stay(world):
    delete_user_data(world.ines)

    unrelated = OutboxMail.objects.get(pk=world.unrelated_mail.pk)
    assert unrelated.body_text == "Guten Tag Herr Kessler"
    assert unrelated.status == OutboxMail.Status.QUEUED
    assert Membership.objects.filter(company=world.spannwerk, user=world.bernd).exists()
    # The request is Feinwerk's and stays; Spannwerk's answer stays as a fact, without her text.
    offer = HelpOffer.objects.get(help_request=world.help_request)
    assert (offer.company, offer.author, offer.message) == (world.spannwerk, None, "")
    assert world.help_request.description == "Für Gewindespindeln, 40 Stück."
    # The past evening still counts two attendees, two ratings; Otto keeps his words.
    assert Registration.objects.filter(event=world.past).count() == 2
    assert sorted(Feedback.objects.values_list("rating", flat=True)) == [4, 5]
    assert Feedback.objects.get(registration=world.otto_place).topics == "Gern wieder"
    assert Seat.objects.filter(plan__event=world.past).count() == 2
    assert not ContactMark.objects.exists()  # marks by and about her both go
    # Carla keeps the place Ines booked for her.
    carla = Registration.objects.get(pk=world.carla_place.pk)
    assert (carla.name, carla.status, carla.registered_by) == ("Carla Brandt", "confirmed", None)
    # Cooperations are the companies' record: still confirmed by Spannwerk, without her name.
    assert (
        CooperationParty.objects.filter(
            cooperation__in=[world.proposed, world.told],
            company=world.spannwerk,
            confirmed_at__isnull=False,
            confirmed_by=None,
        ).count()
        == 2
    )
    assert BarrierReport.objects.count() == 2
    mine = BarrierReport.objects.get(page_url="/anfragen/")
    assert (mine.description, mine.contact_email, mine.reporter) == ("", "", None)
    assert EventInvitation.objects.count() == 1
    assert Invitation.objects.filter(email="lena@spannwerk.example").exists()
    assert Subscriber.objects.filter(user=world.otto).exists()
    assert not Subscriber.objects.filter(email__iexact=EMAIL).exists()
    assert not Story.objects.exists()  # her draft went; no company had seen it
