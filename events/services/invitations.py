"""Inviting people to an event: choose an audience, preview the mail, send it once per address.

An audience is a small JSON-able dict (`{"kind": "towns", "towns": [3, 7]}`) so that the Celery
task can take it as it is. Recipients of a company are the people who get its mail
(`companies.services.members.people_to_mail`); pasted addresses of firms not yet on the portal
get an invitation without a person, in German.

Sending twice sends nothing twice: an `EventInvitation` is unique per event and lower-cased
address (created with `bulk_create(ignore_conflicts=True)` and read back, so two sends at the
same moment agree on one row), and each invitation's mail has the outbox key
`event-invitation:<pk>`.

The personal link is a signature over event and invitation id. It is valid until the event ends;
whoever holds it may register for an invited-only event (it is a link to forward to a colleague
as much as a key). Who may register for an invited-only event (`invitation_for`):

1. the holder of an invitation link for this event (kept in the session after opening it),
2. the invited person or address themself, or a person with an invitation registering a colleague,
3. any member of a company that was invited (it may register colleagues as usual).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from companies.models import Company
from companies.services.members import people_to_mail_by_company
from events.models import Event, EventInvitation, Registration
from kag_portal.mail import (
    BatchTemplates,
    PreparedMail,
    absolute_url,
    queue_mail,
    record_mails,
    render_mail,
    unsubscribe_headers,
    unsubscribe_url,
)
from kag_portal.models import MailTopic, User

INVITATION_SALT = "events.invitation"
SESSION_KEY = "event_invitations"
MAIL_TEMPLATE = "event_invitation"
# Rows per INSERT/SELECT and per transaction of queued mails: well under SQLite's variable limit,
# and the outbox tasks of one batch start as soon as it commits.
BATCH = 500


class Kind:
    ALL = "all"
    TOWNS = "towns"
    INDUSTRIES = "industries"
    EVENTS = "events"
    EMAILS = "emails"


class InvalidInvitation(Exception):
    """A forged or mangled link, or one whose invitation is gone: shown as 404."""


class ExpiredInvitation(Exception):
    """A genuine link to an event that is over or cancelled: shown with a clear message."""

    def __init__(self, event: Event) -> None:
        super().__init__(str(event))
        self.event = event


@dataclass(frozen=True)
class Recipient:
    email: str
    person: User | None = None
    company_id: int | None = None


# --- the audience ------------------------------------------------------------------------------

_SEPARATORS = re.compile(r"[\s,;]+")


def parse_addresses(text: str) -> tuple[list[str], list[str]]:
    """(valid addresses lower-cased without repeats, invalid entries as typed).

    One address a line or separated by commas or semicolons; "Name <a@b.de>" is not accepted,
    so what staff paste is exactly what gets the mail.
    """
    valid: list[str] = []
    invalid: list[str] = []
    for entry in _SEPARATORS.split(text or ""):
        entry = entry.strip()
        if not entry:
            continue
        try:
            validate_email(entry)
        except ValidationError:
            invalid.append(entry)
            continue
        address = entry.lower()
        if address not in valid:
            valid.append(address)
    return valid, invalid


def audience_companies(audience: dict) -> QuerySet[Company]:
    """Published companies of a company audience (all, by town, by industry)."""
    companies = Company.objects.filter(status=Company.Status.PUBLISHED)
    kind = audience["kind"]
    if kind == Kind.TOWNS:
        companies = companies.filter(town_id__in=audience.get("towns", []))
    elif kind == Kind.INDUSTRIES:
        chosen = audience.get("industries", [])
        # A chosen WZ section includes the companies filed under one of its divisions.
        companies = companies.filter(Q(industry_id__in=chosen) | Q(industry__section_id__in=chosen))
    elif kind != Kind.ALL:
        return Company.objects.none()
    return companies.order_by("name", "pk")


def _attendees(event_ids: list[int]) -> Iterator[Recipient]:
    """Who had a confirmed place at the chosen events (details not yet anonymised)."""
    registrations = (
        Registration.objects.filter(
            event_id__in=event_ids,
            status=Registration.Status.CONFIRMED,
            anonymised_at__isnull=True,
        )
        .select_related("person")
        .order_by("event_id", "requested_at", "pk")
    )
    for registration in registrations.iterator(chunk_size=BATCH):
        person = registration.person
        if person is not None and not person.is_active:
            continue
        yield Recipient(registration.email, person, registration.company_id)


def _registered(event: Event) -> tuple[set[str], set[int]]:
    """Addresses and people with an active registration: they need no invitation any more."""
    active = event.registrations.exclude(status=Registration.Status.CANCELLED)
    emails, people = set(), set()
    for email, person_id in active.values_list("email", "person_id"):
        emails.add(email.lower())
        if person_id is not None:
            people.add(person_id)
    return emails, people


def _company_people(audience: dict) -> Iterator[Recipient]:
    """The people who get the mail of the audience's companies, a batch of companies a query."""
    companies = list(audience_companies(audience).values_list("pk", flat=True))
    for batch in chunks(companies):
        people = people_to_mail_by_company(batch)
        for company_id in batch:
            for person in people.get(company_id, []):
                yield Recipient(person.email, person, company_id)


def recipients(audience: dict, *, event: Event | None = None) -> list[Recipient]:
    """Everyone the audience reaches, each address once (the first way it was found wins).

    With `event`, people already registered for it are left out.
    """
    kind = audience["kind"]
    found: Iterable[Recipient]
    if kind == Kind.EMAILS:
        found = (Recipient(address) for address in audience.get("emails", []))
    elif kind == Kind.EVENTS:
        found = _attendees(audience.get("events", []))
    else:
        found = _company_people(audience)
    emails, people = _registered(event) if event is not None else (set(), set())
    unique: dict[str, Recipient] = {}
    for recipient in found:
        address = recipient.email.strip().lower()
        if recipient.person is not None and recipient.person.pk in people:
            continue
        if address and address not in unique and address not in emails:
            unique[address] = Recipient(address, recipient.person, recipient.company_id)
    return list(unique.values())


# --- creating and sending ----------------------------------------------------------------------


def chunks(items: list, size: int = BATCH) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def create_invitations(*, event: Event, to: list[Recipient], by_id: int | None) -> list[int]:
    """One invitation per address (existing ones kept as they are); their ids, in order.

    `ignore_conflicts` lets concurrent sends of overlapping audiences both pass without an error;
    reading the rows back afterwards gives each the same invitations.
    """
    EventInvitation.objects.bulk_create(
        [
            EventInvitation(
                event=event,
                email=recipient.email,
                person=recipient.person,
                company_id=recipient.company_id,
                invited_by_id=by_id,
            )
            for recipient in to
        ],
        batch_size=BATCH,
        ignore_conflicts=True,
    )
    pks: list[int] = []
    for addresses in chunks([recipient.email for recipient in to]):
        pks.extend(
            EventInvitation.objects.filter(event=event, email__in=addresses)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    return pks


def _mail_context(event: Event, *, name: str, company_name: str, link: str) -> dict:
    return {
        "event": event,
        "name": name,
        "company_name": company_name,
        "invitation_url": link,
        "event_url": absolute_url(event.get_absolute_url()),
    }


def mail_invitation(invitation: EventInvitation) -> None:
    """Queue the invitation's one mail (a second call finds the outbox key and does nothing)."""
    person = invitation.person
    queue_mail(
        to_email=invitation.email,
        template=MAIL_TEMPLATE,
        context=_mail_context(
            invitation.event,
            name=(person.display_name if person else "") or "",
            company_name=invitation.company.name if invitation.company else "",
            link=invitation_url(invitation),
        ),
        idempotency_key=f"event-invitation:{invitation.pk}",
        recipient=person,
        # Firms not on the portal yet: the region's language.
        language=None if person else settings.LANGUAGE_CODE,
        topic=MailTopic.INVITATIONS,
    )


@dataclass(frozen=True)
class SendResult:
    recipients: int
    invitation_ids: list[int]

    @property
    def invitations(self) -> int:
        return len(self.invitation_ids)


def invite(*, event_id: int, audience: dict, invited_by_id: int | None) -> SendResult:
    """Record the invitations of an audience (nothing for an event that is not open)."""
    event = Event.objects.get(pk=event_id)
    if not event.can_invite:
        return SendResult(0, [])
    to = recipients(audience, event=event)
    return SendResult(len(to), create_invitations(event=event, to=to, by_id=invited_by_id))


@transaction.atomic
def mail_invitations(invitation_ids: list[int]) -> int:
    """Record the mails of some invitations in one transaction: rendered with the templates
    loaded once, opt-outs read in one query, the rows written in one INSERT.

    An invitation that was mailed before (an earlier send) is skipped by its outbox key. Nothing
    is queued per mail: the caller sends the batch (invitation_rounds.mail_batch), and the
    outbox sweep sends whatever a lost task left queued.
    """
    invitations = list(
        EventInvitation.objects.filter(pk__in=invitation_ids)
        .select_related("event", "event__town", "person", "company")
        .order_by("pk")
    )
    templates = BatchTemplates(MAIL_TEMPLATE)
    event_urls: dict[int, str] = {}
    mails = []
    for invitation in invitations:
        person = invitation.person
        event = invitation.event
        if event.pk not in event_urls:
            event_urls[event.pk] = absolute_url(event.get_absolute_url())
        link = unsubscribe_url(email=invitation.email, topic=MailTopic.INVITATIONS)
        context = {
            "event": event,
            "name": (person.display_name if person else "") or "",
            "company_name": invitation.company.name if invitation.company else "",
            "invitation_url": invitation_url(invitation),
            "event_url": event_urls[event.pk],
            "recipient": person,
            "site_url": settings.SITE_URL,
            "unsubscribe_url": link,
        }
        # Firms not on the portal yet: the region's language.
        language = person.preferred_language if person else settings.LANGUAGE_CODE
        subject, body_text, body_html = templates.render(context, language)
        mails.append(
            PreparedMail(
                to_email=invitation.email,
                subject=subject,
                body_text=body_text,
                body_html=body_html,
                idempotency_key=f"event-invitation:{invitation.pk}",
                template=MAIL_TEMPLATE,
                recipient=person,
                language=language,
                topic=MailTopic.INVITATIONS,
                headers=unsubscribe_headers(link),
            )
        )
    record_mails(mails)
    return len(invitations)


def preview(*, event: Event, language: str, sample_name: str = "") -> tuple[str, str]:
    """(subject, text) of the invitation as a recipient gets it in `language` (sample link)."""
    # Where the personal token goes; reverse() would percent-encode the "…".
    sample_link = absolute_url(reverse("events:invitation", args=["x"]).replace("/x/", "/…/"))
    context = _mail_context(event, name=sample_name, company_name="", link=sample_link)
    context.update(
        {
            "recipient": None,
            "site_url": settings.SITE_URL,
            # The real mail's link is made per recipient; the preview shows where it sits.
            "unsubscribe_url": absolute_url(reverse("unsubscribe", args=["x"])).replace(
                "/x/", "/…/"
            ),
        }
    )
    subject, text, _html = render_mail(template=MAIL_TEMPLATE, context=context, language=language)
    return subject, text


# --- the personal link -------------------------------------------------------------------------


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=INVITATION_SALT)


def invitation_token(invitation: EventInvitation) -> str:
    return _signer().sign(f"{invitation.event_id}.{invitation.pk}")


def invitation_url(invitation: EventInvitation) -> str:
    return absolute_url(reverse("events:invitation", args=[invitation_token(invitation)]))


def read_invitation_token(token: str) -> EventInvitation:
    """The invitation of a link; InvalidInvitation or ExpiredInvitation otherwise.

    The signature covers event and invitation: a link never opens another event. It is valid
    until the event ends (its age is checked against the event's end, which staff may move).
    """
    signer = _signer()
    try:
        value = signer.unsign(token)
        event_id, pk = (int(part) for part in value.split("."))
    except (signing.BadSignature, ValueError):
        raise InvalidInvitation from None
    invitation = (
        EventInvitation.objects.select_related("event").filter(pk=pk, event_id=event_id).first()
    )
    if invitation is None:
        raise InvalidInvitation
    event = invitation.event
    now = timezone.now()
    if event.is_cancelled or now >= event.ends_at:
        raise ExpiredInvitation(event)
    try:
        # Age since signing may not exceed what was left until the end when it was signed.
        signer.unsign(token, max_age=event.ends_at - invitation.created_at)
    except signing.SignatureExpired:
        raise ExpiredInvitation(event) from None
    return invitation


def remember(session: SessionBase, invitation: EventInvitation) -> None:
    """Keep the opened invitation for its event, so the registration form finds it."""
    held = dict(session.get(SESSION_KEY, {}))
    held[str(invitation.event_id)] = invitation.pk
    session[SESSION_KEY] = held


def held_invitation(session: SessionBase, event: Event) -> EventInvitation | None:
    pk = session.get(SESSION_KEY, {}).get(str(event.pk))
    if pk is None:
        return None
    return EventInvitation.objects.filter(pk=pk, event=event).first()


# --- who may register --------------------------------------------------------------------------


def invitation_for(
    event: Event,
    *,
    held: EventInvitation | None = None,
    company: Company | None = None,
    person=None,
    email: str = "",
    registered_by=None,
) -> EventInvitation | None:
    """The invitation that lets this registration in (see the module's rules), or None.

    Preference: the link the person opened, then the attendee's own invitation, then one of the
    person registering or of the company. One query at most.
    """
    if held is not None and held.event_id == event.pk:
        return held
    email = email.strip().lower()
    by_email = registered_by.email.lower() if registered_by is not None else ""
    who = Q(email__in=[address for address in (email, by_email) if address])
    people = [user.pk for user in (person, registered_by) if user is not None]
    if people:
        who |= Q(person_id__in=people)
    if company is not None:
        who |= Q(company=company)
    candidates = list(EventInvitation.objects.filter(event=event).filter(who).order_by("pk")[:50])

    def rank(invitation: EventInvitation) -> int:
        own = (email and invitation.email == email) or (
            person is not None and invitation.person_id == person.pk
        )
        return 0 if own else 1

    return min(candidates, key=rank, default=None)


def invitation_for_visitor(session: SessionBase, user, event: Event) -> EventInvitation | None:
    """The invitation a logged-in visitor holds for the event page (no query on most pages)."""
    held = held_invitation(session, event) if session.get(SESSION_KEY) else None
    if held is not None or event.audience != Event.Audience.INVITED:
        return held
    return (
        EventInvitation.objects.filter(event=event)
        .filter(Q(person=user) | Q(email=user.email.lower()) | Q(company__memberships__user=user))
        .order_by("pk")
        .first()
    )


# --- figures -----------------------------------------------------------------------------------


def event_figures(event: Event) -> dict[str, int]:
    """Invited, registered (confirmed), waitlisted and checked-in people of one event."""
    counts = event.registrations.aggregate(
        registered=Count("pk", filter=Q(status=Registration.Status.CONFIRMED)),
        waitlisted=Count("pk", filter=Q(status=Registration.Status.WAITLISTED)),
        checked_in=Count(
            "pk",
            filter=Q(checked_in_at__isnull=False) & ~Q(status=Registration.Status.CANCELLED),
        ),
    )
    return {"invited": event.invitations.count(), **counts}
