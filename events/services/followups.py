"""Mails around an event (reminders, thank-you), feedback, cooperations, finishing events.

When each mail goes out (all times Europe/Berlin; `send_event_mails` runs every 15 minutes):

- **Reminder two days before**: from 48 hours before the start until the morning reminder's
  window opens. Places confirmed after the 48-hour point get none: their confirmation mail has
  just told them everything.
- **Reminder on the day**: from 07:00 on the day the event starts until it starts. Events that
  start before 07:00 get none, nor do places confirmed after 07:00 that day.
- **Thank-you**: from 09:00 on the day after the start (not before the event has ended) for
  seven days; later it is no longer sent, so old events never get one out of the blue.
  It goes to the people who were checked in, or to every confirmed attendee when nobody was
  checked in at that event (no check-in was done). People who unsubscribed from
  MailTopic.EVENT_FOLLOW_UPS do not get it; reminders are part of the registration and carry no
  topic.

A reminder whose window has passed (the event has started) is never sent late. Every mail has an
idempotency key per registration, so running the task twice, or two runs at once, sends each
mail once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from companies.models import Company, Cooperation, Membership
from companies.services import cooperations
from companies.services.members import mail_company
from events.models import Event, Feedback, Registration
from events.services.registration import decline_token
from kag_portal.mail import absolute_url, queue_mail
from kag_portal.models import MailTopic, OutboxMail

BERLIN = ZoneInfo("Europe/Berlin")
REMINDER_BEFORE = timedelta(hours=48)
MORNING = time(7, 0)
THANKS_AT = time(9, 0)
THANKS_FOR = timedelta(days=7)

REMINDER_2D = "event-reminder-2d"
REMINDER_DAY = "event-reminder-day"
THANKS = "event-thanks"


class FollowUpError(Exception):
    """Feedback or a cooperation that is refused; the message is shown to the person."""


# --- When ----------------------------------------------------------------------------------


def _at(day, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=BERLIN)


@dataclass(frozen=True)
class Window:
    opens: datetime
    closes: datetime

    def contains(self, now: datetime) -> bool:
        return self.opens <= now < self.closes


def day_reminder_window(event: Event) -> Window:
    start_day = timezone.localtime(event.starts_at, BERLIN).date()
    return Window(_at(start_day, MORNING), event.starts_at)


def two_day_reminder_window(event: Event) -> Window:
    closes = min(event.starts_at, day_reminder_window(event).opens)
    return Window(event.starts_at - REMINDER_BEFORE, closes)


def thanks_window(event: Event) -> Window:
    start_day = timezone.localtime(event.starts_at, BERLIN).date()
    opens = max(_at(start_day + timedelta(days=1), THANKS_AT), event.ends_at)
    return Window(opens, opens + THANKS_FOR)


# --- Sending -------------------------------------------------------------------------------


def _already_queued(keys: list[str]) -> set[str]:
    return set(
        OutboxMail.objects.filter(idempotency_key__in=keys).values_list(
            "idempotency_key", flat=True
        )
    )


def _confirmed_places(events: list[Event]):
    return (
        Registration.objects.filter(
            event__in=events, status=Registration.Status.CONFIRMED, anonymised_at__isnull=True
        )
        .select_related("event", "event__town", "company", "person")
        .order_by("event_id", "pk")
    )


def _language(registration: Registration) -> str:
    if registration.person is not None:
        return registration.person.preferred_language
    return settings.LANGUAGE_CODE


def _queue(
    registrations: list[Registration], *, prefix: str, template: str, topic: str = ""
) -> int:
    """Queue one mail per registration unless its key is in the outbox already."""
    keys = {registration.pk: f"{prefix}:{registration.pk}" for registration in registrations}
    done = _already_queued(list(keys.values()))
    count = 0
    for registration in registrations:
        key = keys[registration.pk]
        if key in done:
            continue
        queue_mail(
            to_email=registration.email,
            recipient=registration.person,
            language=_language(registration),
            template=template,
            context=_mail_context(registration),
            idempotency_key=key,
            topic=topic,
        )
        count += 1
    return count


def _mail_context(registration: Registration) -> dict:
    event = registration.event
    context = {
        "registration": registration,
        "event": event,
        "event_url": absolute_url(event.get_absolute_url()),
        # One click, no login: the place may have been booked by a colleague for them.
        "decline_url": absolute_url(reverse("events:decline", args=[decline_token(registration)])),
    }
    # Feedback and cooperation pages need the attendee's account; a colleague registered
    # without one gets the thank-you without these links.
    if registration.person_id is not None:
        context["feedback_url"] = absolute_url(reverse("events:feedback", args=[registration.pk]))
        context["cooperation_url"] = absolute_url(
            reverse("events:cooperation", args=[registration.pk])
        )
    if event.has_speed_dating:
        # "Meine Gespräche" after the evening: the partners met, to mark whom to stay in touch
        # with (matchmaking:contact_marks; a plain path keeps events below matchmaking).
        context["partners_url"] = absolute_url(f"/events/{event.pk}/follow-ups/")
    return context


def _thanked(places):
    """Checked-in attendees, or every confirmed one where nobody was checked in."""
    someone_checked_in = Exists(
        Registration.objects.filter(event=OuterRef("event"), checked_in_at__isnull=False)
    )
    return places.annotate(event_had_checkin=someone_checked_in).filter(
        Q(checked_in_at__isnull=False) | Q(event_had_checkin=False)
    )


def send_event_mails(*, now: datetime) -> dict[str, int]:
    """Queue every reminder and thank-you that is due at `now`. Returns per kind how many mails
    this run handed to the outbox (a run at the same time may have recorded some of them first;
    the outbox keeps one each).

    A fixed number of queries besides one outbox insert per mail: the events near `now`, the
    places per kind of mail, and the keys already in the outbox.
    """
    events = list(
        Event.objects.filter(
            status__in=[Event.Status.PUBLISHED, Event.Status.FINISHED],
            starts_at__lte=now + REMINDER_BEFORE,
            # Generous: a thank-you window opens when an event ends, however long it lasted.
            starts_at__gte=now - THANKS_FOR - timedelta(days=30),
        )
    )
    coming = [event for event in events if event.is_published]
    two_day = {e.pk: two_day_reminder_window(e) for e in coming}
    on_the_day = {e.pk: day_reminder_window(e) for e in coming}
    thanks = [event for event in events if thanks_window(event).contains(now)]

    sent = {"reminder_2d": 0, "reminder_day": 0, "thanks": 0}
    due_2d = [e for e in coming if two_day[e.pk].contains(now)]
    if due_2d:
        places = [
            r
            for r in _confirmed_places(due_2d)
            if r.confirmed_at is None or r.confirmed_at < two_day[r.event_id].opens
        ]
        sent["reminder_2d"] = _queue(places, prefix=REMINDER_2D, template="event_reminder")
    due_day = [e for e in coming if on_the_day[e.pk].contains(now)]
    if due_day:
        places = [
            r
            for r in _confirmed_places(due_day)
            if r.confirmed_at is None or r.confirmed_at < on_the_day[r.event_id].opens
        ]
        sent["reminder_day"] = _queue(places, prefix=REMINDER_DAY, template="event_reminder_day")
    if thanks:
        sent["thanks"] = _queue(
            list(_thanked(_confirmed_places(thanks))),
            prefix=THANKS,
            template="event_thanks",
            topic=MailTopic.EVENT_FOLLOW_UPS,
        )
    return sent


def finish_past_events(*, now: datetime) -> int:
    """Published events that have ended become FINISHED (one UPDATE). Returns how many."""
    return Event.objects.filter(status=Event.Status.PUBLISHED, ends_at__lt=now).update(
        status=Event.Status.FINISHED, updated_at=now
    )


# --- Feedback ------------------------------------------------------------------------------


def _check_attended(registration: Registration, *, now: datetime) -> None:
    if registration.event.status not in (Event.Status.PUBLISHED, Event.Status.FINISHED):
        raise FollowUpError(_("This event did not take place."))
    if registration.event.starts_at > now:
        raise FollowUpError(_("You can tell us about this event once it has started."))
    if not registration.is_confirmed or registration.anonymised_at:
        raise FollowUpError(_("Only attendees with a confirmed place can do this."))


def feedback_closed_reason(registration: Registration, *, now: datetime) -> str:
    """Why the feedback and cooperation forms are not offered, or "" when they are."""
    try:
        _check_attended(registration, now=now)
    except FollowUpError as error:
        return str(error)
    return ""


@transaction.atomic
def give_feedback(
    *,
    registration: Registration,
    rating: int,
    next_format: str = "",
    topics: str = "",
    now: datetime,
) -> Feedback:
    """Record or change the attendee's feedback (one per registration)."""
    _check_attended(registration, now=now)
    feedback, _created = Feedback.objects.update_or_create(
        registration=registration,
        defaults={"rating": rating, "next_format": next_format, "topics": topics},
    )
    return feedback


# --- Cooperations --------------------------------------------------------------------------


def companies_at_event(registration: Registration):
    """Other published companies with a confirmed place at the same event."""
    return (
        Company.objects.filter(
            status=Company.Status.PUBLISHED,
            event_registrations__event_id=registration.event_id,
            event_registrations__status=Registration.Status.CONFIRMED,
        )
        .exclude(pk=registration.company_id)
        .distinct()
        .order_by("name")
    )


@transaction.atomic
def start_cooperation(
    *,
    registration: Registration,
    partner: Company,
    description: str,
    without_kag: str = "",
    user,
    now: datetime,
) -> Cooperation:
    """The attendee's company and a partner work together since the event: recorded with the
    attendee's side confirmed, and the partner's people asked to confirm."""
    _check_attended(registration, now=now)
    if not Membership.objects.filter(user=user, company_id=registration.company_id).exists():
        raise FollowUpError(_("Only members of the company can record its cooperations."))
    if partner.pk == registration.company_id:
        raise FollowUpError(_("Please choose another company than your own."))
    cooperation = cooperations.propose_cooperation(
        proposer=registration.company,
        partners=[partner],
        description=description,
        origin=Cooperation.Origin.EVENT,
        without_kag=without_kag,
        created_by=user,
        started_on=timezone.localdate(now, BERLIN),
    )
    ask_partners_to_confirm(cooperation, proposer=registration.company, event=registration.event)
    return cooperation


def ask_partners_to_confirm(
    cooperation: Cooperation, *, proposer: Company | None, event=None
) -> int:
    """Mail the people of every company that has not confirmed yet; once per person."""
    count = 0
    confirm_url = absolute_url(reverse("events:cooperation_confirm", args=[cooperation.pk]))
    for party in cooperation.parties.filter(confirmed_at__isnull=True).select_related("company"):
        count += mail_company(
            party.company_id,
            template="event_cooperation_confirm",
            context={
                "cooperation": cooperation,
                "proposer": proposer,
                "partner": party.company,
                "event": event,
                "confirm_url": confirm_url,
            },
            key=f"cooperation-confirm:{cooperation.pk}",
            # The description is in the words of whoever recorded it.
            about=[cooperation.created_by],
        )
    return count


def cooperation_for(user, pk: int) -> Cooperation | None:
    """A cooperation one of the person's companies takes part in, or None."""
    company_ids = Membership.objects.filter(user=user).values("company_id")
    return (
        Cooperation.objects.filter(pk=pk, parties__company_id__in=company_ids)
        .prefetch_related("parties__company")
        .distinct()
        .first()
    )
