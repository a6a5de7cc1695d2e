"""After the evening: whom an attendee wants to stay in touch with, and introductions.

Each attendee marks, per partner they sat with, "stay in touch" and a private note
(ContactMark). A mark is its author's alone: nothing of it is ever shown to the partner. Only
when two people mark each other do both get one introduction mail with the other's contact
details, and the pair's companies get a speed-dating cooperation lead to confirm.

Two people saving at the same moment: each save locks the registrations of everyone involved
(in primary-key order, so two saves never deadlock) before it writes its marks and looks for
the partner's, so the later save sees the earlier one and exactly one of them finds the pair
mutual (without the lock both read the other's mark as missing and nobody is introduced). That
save records both intro mails in the outbox in the same transaction, under fixed idempotency
keys, so a repeated save sends nothing more; the outbox's Celery task sends them after commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from companies.models import Company, Cooperation
from companies.services import cooperations
from events.models import Event, Registration
from kag_portal.mail import absolute_url, queue_mail
from kag_portal.models import OutboxMail

from ..models import ContactMark, Seat, SeatingPlan


class ContactMarkError(ValueError):
    """A mark that is refused (not a partner of this evening); the message is for the person."""


@dataclass
class Partner:
    """Someone the attendee sat with, with the attendee's own mark about them (if any)."""

    registration: Registration
    rounds: list[int] = field(default_factory=list)
    mark: ContactMark | None = None
    # Both marked each other: the one thing the partner's mark may reveal (the intro was sent).
    mutual: bool = False
    lead: Cooperation | None = None

    @property
    def wants_contact(self) -> bool:
        return self.mark is not None and self.mark.wants_contact

    @property
    def note(self) -> str:
        return self.mark.note if self.mark is not None else ""


def has_started(event: Event, *, now=None) -> bool:
    return (now or timezone.now()) >= event.starts_at


def own_registration(event: Event, user) -> Registration | None:
    """The person's place at the event (not cancelled), or None."""
    return (
        event.registrations.exclude(status=Registration.Status.CANCELLED)
        .filter(person=user)
        .select_related("company")
        .first()
    )


def published_plan(event: Event) -> SeatingPlan | None:
    return SeatingPlan.objects.filter(event=event, status=SeatingPlan.Status.PUBLISHED).first()


def partners_of(registration: Registration, *, plan: SeatingPlan | None = None) -> list[Partner]:
    """Everyone who sat at the attendee's table in any round of the event's published plan,
    once each (with the rounds), in the order first met, with the attendee's marks. Anonymised
    people (deleted accounts) are left out: there is nobody left to stay in touch with."""
    plan = plan if plan is not None else published_plan(registration.event)
    if plan is None:
        return []
    same_table = Seat.objects.filter(
        plan_id=plan.pk,
        registration_id=registration.pk,
        round=OuterRef("round"),
        table=OuterRef("table"),
    )
    seats = (
        Seat.objects.filter(plan_id=plan.pk)
        .filter(Exists(same_table))
        .exclude(registration_id=registration.pk)
        # Anonymised by the retention period or a deleted account (which empties the name).
        .filter(registration__anonymised_at__isnull=True)
        .exclude(registration__name="")
        .select_related("registration__company")
        .order_by("round", "table", "registration__name", "pk")
    )
    partners: dict[int, Partner] = {}
    for seat in seats:
        partner = partners.setdefault(seat.registration_id, Partner(seat.registration))
        partner.rounds.append(seat.round)
    for mark in ContactMark.objects.filter(
        registration_id=registration.pk, partner_id__in=list(partners)
    ):
        partners[mark.partner_id].mark = mark
    wanted = [pk for pk, partner in partners.items() if partner.wants_contact]
    if wanted:
        for partner_id in ContactMark.objects.filter(
            registration_id__in=wanted, partner_id=registration.pk, wants_contact=True
        ).values_list("registration_id", flat=True):
            partners[partner_id].mutual = True
    if any(partner.mutual for partner in partners.values()):
        leads = leads_of(event=registration.event, company_id=registration.company_id)
        for partner in partners.values():
            if partner.mutual:
                partner.lead = leads.get(partner.registration.company_id)
    return list(partners.values())


def leads_of(*, event: Event, company_id: int) -> dict[int, Cooperation]:
    """The company's speed-dating leads from this event, by the other company's id."""
    leads: dict[int, Cooperation] = {}
    for cooperation in Cooperation.objects.filter(
        origin=Cooperation.Origin.SPEED_DATING,
        started_on=timezone.localdate(event.starts_at),
        parties__company_id=company_id,
    ).prefetch_related("parties"):
        others = [p.company_id for p in cooperation.parties.all() if p.company_id != company_id]
        if len(others) == 1:
            leads.setdefault(others[0], cooperation)
    return leads


@dataclass(frozen=True)
class MarkInput:
    partner_id: int
    wants_contact: bool
    note: str = ""


@transaction.atomic
def save_marks(*, registration: Registration, marks: list[MarkInput]) -> list[int]:
    """Store the attendee's marks about their partners; returns the ids of the partners whom
    this save introduced (both intro mails recorded now; empty on a repeat).

    Refuses (ContactMarkError, nothing saved) a partner the attendee did not sit with. Un-marking
    later keeps what was sent: an introduction cannot be taken back.
    """
    allowed = {partner.registration.pk for partner in partners_of(registration)}
    unknown = [mark.partner_id for mark in marks if mark.partner_id not in allowed]
    if unknown:
        raise ContactMarkError(_("You can only mark people you sat with at this event."))
    if len({mark.partner_id for mark in marks}) != len(marks):
        raise ContactMarkError(_("Each partner can be marked once."))
    wanted = [mark.partner_id for mark in marks if mark.wants_contact]
    # The lock that makes "who saw the other's mark first" exact; see the module docstring.
    list(
        Registration.objects.select_for_update()
        .filter(pk__in=[registration.pk, *wanted])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    existing = {
        mark.partner_id: mark
        for mark in ContactMark.objects.filter(
            registration_id=registration.pk, partner_id__in=[m.partner_id for m in marks]
        )
    }
    newly_wanted = []
    for mark in marks:
        note = mark.note.strip()
        row = existing.get(mark.partner_id)
        if mark.wants_contact and (row is None or not row.wants_contact):
            newly_wanted.append(mark.partner_id)
        if row is None:
            if not mark.wants_contact and not note:
                continue  # nothing to keep
            ContactMark.objects.create(
                registration_id=registration.pk,
                partner_id=mark.partner_id,
                wants_contact=mark.wants_contact,
                note=note,
            )
        elif (row.wants_contact, row.note) != (mark.wants_contact, note):
            row.wants_contact = mark.wants_contact
            row.note = note
            row.save(update_fields=["wants_contact", "note", "updated_at"])
    mutual = ContactMark.objects.filter(
        registration_id__in=newly_wanted, partner_id=registration.pk, wants_contact=True
    ).values_list("registration_id", flat=True)
    return [
        partner_id
        for partner_id in sorted(mutual)
        if introduce(first_id=registration.pk, second_id=partner_id)
    ]


def intro_key(event_id: int, first_id: int, second_id: int, recipient_id: int) -> str:
    low, high = sorted((first_id, second_id))
    return f"contact-intro:{event_id}:{low}:{high}:{recipient_id}"


@transaction.atomic
def introduce(*, first_id: int, second_id: int) -> int:
    """Both people of a mutual pair get one introduction mail, their companies one cooperation
    lead. Recorded in the caller's transaction, so the mark that made the pair mutual and its
    mails commit together (the outbox sends them through Celery after commit, and its sweep
    catches up when the broker was down). Safe to run again: the outbox keys and the lead
    lookup make a repeat a no-op. Returns how many intro mails were newly recorded."""
    pair = {
        registration.pk: registration
        for registration in Registration.objects.filter(pk__in=[first_id, second_id])
        .select_related("event", "company", "company__town", "person")
        .filter(anonymised_at__isnull=True)
        .exclude(name="")
    }
    if len(pair) != 2:
        return 0  # one of them was deleted in the meantime
    first, second = pair[first_id], pair[second_id]
    if first.event_id != second.event_id:
        return 0
    lead = propose_lead(first=first, second=second)
    keys = {
        recipient.pk: intro_key(first.event_id, first.pk, second.pk, recipient.pk)
        for recipient in (first, second)
    }
    recorded = set(
        OutboxMail.objects.filter(idempotency_key__in=keys.values()).values_list(
            "idempotency_key", flat=True
        )
    )
    for recipient, other in ((first, second), (second, first)):
        if keys[recipient.pk] in recorded:
            continue
        queue_mail(
            to_email=recipient.email,
            recipient=recipient.person,
            template="contact_intro",
            context=_intro_context(recipient=recipient, other=other, lead=lead),
            idempotency_key=keys[recipient.pk],
            about=[other.person],
        )
    return 2 - len(recorded)


def _intro_context(
    *, recipient: Registration, other: Registration, lead: Cooperation | None
) -> dict:
    company = other.company
    return {
        "event": recipient.event,
        "attendee": recipient,
        "other": other,
        "company": company,
        "company_url": (
            absolute_url(company.get_absolute_url())
            if company.status == Company.Status.PUBLISHED
            else ""
        ),
        "contact_marks_url": absolute_url(
            reverse("matchmaking:contact_marks", args=[recipient.event_id])
        ),
        "confirm_url": (
            absolute_url(reverse("events:cooperation_confirm", args=[lead.pk])) if lead else ""
        ),
    }


def propose_lead(*, first: Registration, second: Registration) -> Cooperation | None:
    """One unconfirmed cooperation per pair of companies and event; both companies confirm it
    on the events' confirmation page. None for two people of one company."""
    if first.company_id == second.company_id:
        return None
    event = first.event
    low, high = sorted((first.company_id, second.company_id))
    # Two other pairs of the same two firms may turn mutual at once: the firms' rows decide.
    list(
        Company.objects.select_for_update()
        .filter(pk__in=[low, high])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    # Matched by origin, the event's day and exactly these two firms (a Cooperation has no
    # event of its own).
    existing = leads_of(event=event, company_id=low).get(high)
    if existing is not None:
        return existing
    # Kept as a kind with parameters, shown in each reader's language; the stored text is the
    # default language's (search, CSV).
    kind = Cooperation.DescriptionKind.MET_AT_SPEED_DATING
    params = {"event": event.title, "first": first.company.name, "second": second.company.name}
    with translation.override(settings.LANGUAGE_CODE):
        description = Cooperation.system_description(kind, params)
    return cooperations.propose_cooperation(
        proposer=first.company,
        partners=[second.company],
        description=description,
        description_kind=kind,
        description_params=params,
        origin=Cooperation.Origin.SPEED_DATING,
        created_by=None,
        started_on=timezone.localdate(event.starts_at),
        proposer_confirms=False,
    )
