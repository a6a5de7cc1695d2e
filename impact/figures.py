"""The impact figures: what the network made happen in a period, optionally in one town.

One function, `figures(period)`, computes every number the dashboard, the CSV and the printed
funder report show, so they cannot disagree. It runs a fixed number of queries however much
data there is. The definitions are written out in docs/impact.md and, for the funder report's
readers, in impact/definitions.py; keep all three in step.

Which events count: published or finished events (not drafts, not cancelled ones) that start in
the period, in the chosen town if there is one. Everything about events (invitations,
registrations, attendance, meetings, follow-ups, feedback) belongs to these events. Requests
count by when they were posted and the asking company's town; cooperations by when they started
and the town of any company in them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from companies.models import Company, Cooperation, HelpOffer, HelpRequest, Town
from events.models import Event, EventInvitation, Feedback, Registration
from matchmaking.models import ContactMark, Seat

from .topics import TopicGroup, group_topics

# "Would it have come about without the KAG network?" – the answers that credit the network.
NOT_WITHOUT_KAG = (Cooperation.WithoutKag.PROBABLY_NOT, Cooperation.WithoutKag.NO)


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    town: Town | None = None

    @property
    def starts_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def ends_before(self) -> datetime:
        """The first moment after the period: midnight after its last day."""
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))


@dataclass
class Figures:
    period: Period
    events: int = 0
    events_by_format: list[tuple[str, str, int]] = field(default_factory=list)  # key, label, n
    invitations: int = 0
    registrations: int = 0
    checked_in: int = 0
    # Only events where check-in was used: how many of their confirmed people came.
    attendance_rate: float | None = None
    companies: int = 0
    new_companies: int = 0
    meetings: int = 0
    mutual_follow_ups: int = 0
    requests_posted: int = 0
    requests_answered: int = 0
    cooperations: int = 0
    cooperations_not_without_kag: int = 0
    feedback: int = 0
    average_rating: float | None = None
    ratings: list[tuple[int, int]] = field(default_factory=list)  # (stars, how many)
    next_formats: list[tuple[str, str, int]] = field(default_factory=list)  # key, label, n
    # The topics people asked for, grouped by spelling (impact/topics.py), most wished first.
    topic_groups: list[TopicGroup] = field(default_factory=list)
    attendance_by_month: list[tuple[date, int]] = field(default_factory=list)

    @property
    def attendance_percent(self) -> int | None:
        return None if self.attendance_rate is None else round(self.attendance_rate * 100)


# --- the querysets behind the figures (the dashboard links to each) ------------------------------


def events(period: Period) -> QuerySet[Event]:
    found = Event.objects.filter(
        status__in=[Event.Status.PUBLISHED, Event.Status.FINISHED],
        starts_at__gte=period.starts_at,
        starts_at__lt=period.ends_before,
    )
    if period.town is not None:
        found = found.filter(town=period.town)
    return found


def invitations(period: Period) -> QuerySet[EventInvitation]:
    return EventInvitation.objects.filter(event__in=events(period))


def registrations(period: Period) -> QuerySet[Registration]:
    """Confirmed places (walk-ins included) at the period's events."""
    return Registration.objects.filter(
        event__in=events(period), status=Registration.Status.CONFIRMED
    )


def attendances(period: Period) -> QuerySet[Registration]:
    return registrations(period).filter(checked_in_at__isnull=False)


def attending_companies(period: Period) -> QuerySet[Company]:
    return Company.objects.filter(pk__in=attendances(period).values("company_id"))


def new_companies(period: Period) -> QuerySet[Company]:
    """Companies that came for the first time: no check-in at any event before the period."""
    earlier = Registration.objects.filter(
        checked_in_at__isnull=False, event__starts_at__lt=period.starts_at
    ).values("company_id")
    return attending_companies(period).exclude(pk__in=earlier)


def seats_played(period: Period) -> QuerySet[Seat]:
    """Seats of speed-dating rounds that were held: those of events that are over."""
    return Seat.objects.filter(
        plan__event__in=events(period), plan__event__ends_at__lt=timezone.now()
    )


def mutual_marks(period: Period) -> QuerySet[ContactMark]:
    """'Ich möchte in Kontakt bleiben' marks answered by the partner's mark; two per pair."""
    answered = ContactMark.objects.filter(
        registration=OuterRef("partner"), partner=OuterRef("registration"), wants_contact=True
    )
    return ContactMark.objects.filter(
        registration__event__in=events(period), wants_contact=True
    ).filter(Exists(answered))


def help_requests(period: Period) -> QuerySet[HelpRequest]:
    found = HelpRequest.objects.filter(
        created_at__gte=period.starts_at, created_at__lt=period.ends_before
    )
    if period.town is not None:
        found = found.filter(company__town=period.town)
    return found


def answered_requests(period: Period) -> QuerySet[HelpRequest]:
    """Requests that a member answered on the board, or that were closed naming a helper."""
    offered = HelpOffer.objects.filter(help_request=OuterRef("pk"))
    return help_requests(period).filter(Q(Exists(offered)) | Q(helped_by__isnull=False))


def cooperations(period: Period) -> QuerySet[Cooperation]:
    """Cooperations started in the period that every involved company has confirmed."""
    found = Cooperation.objects.confirmed().filter(
        started_on__gte=period.start, started_on__lte=period.end
    )
    if period.town is not None:
        found = found.filter(
            pk__in=Cooperation.objects.filter(parties__company__town=period.town).values("pk")
        )
    return found


def feedback(period: Period) -> QuerySet[Feedback]:
    return Feedback.objects.filter(registration__event__in=events(period))


# --- all figures at once -----------------------------------------------------------------------


def meetings_held(period: Period) -> int:
    """Speed-dating meetings: every two people who shared a table in a round that was held."""
    tables = seats_played(period).values("plan_id", "round", "table").annotate(size=Count("pk"))
    return sum(row["size"] * (row["size"] - 1) // 2 for row in tables)


@dataclass(frozen=True)
class Headline:
    """The three figures the home page shows: what the network made happen."""

    period: Period
    events: int
    meetings: int
    cooperations: int


def headline(period: Period) -> Headline:
    """Events held, speed-dating meetings, confirmed cooperations: the same counts as the
    dashboard's, in three queries."""
    return Headline(
        period=period,
        events=events(period).count(),
        meetings=meetings_held(period),
        cooperations=cooperations(period).count(),
    )


def figures(period: Period) -> Figures:
    result = Figures(period=period)
    format_labels = dict(Event.Format.choices)

    by_format = Counter(dict(events(period).values_list("format").annotate(n=Count("pk"))))
    result.events_by_format = [
        (key, str(label), by_format.get(key, 0)) for key, label in Event.Format.choices
    ]
    result.events = sum(by_format.values())
    result.invitations = invitations(period).count()

    check_in_used = Registration.objects.filter(
        event=OuterRef("event"), checked_in_at__isnull=False
    )
    places = (
        registrations(period)
        .annotate(check_in_used=Exists(check_in_used))
        .aggregate(
            confirmed=Count("pk"),
            checked_in=Count("pk", filter=Q(checked_in_at__isnull=False)),
            expected=Count("pk", filter=Q(check_in_used=True)),
        )
    )
    result.registrations = places["confirmed"]
    result.checked_in = places["checked_in"]
    if places["expected"]:
        result.attendance_rate = places["checked_in"] / places["expected"]

    result.companies = attending_companies(period).count()
    result.new_companies = new_companies(period).count()
    result.meetings = meetings_held(period)
    result.mutual_follow_ups = mutual_marks(period).count() // 2

    requests = help_requests(period).aggregate(
        posted=Count("pk"),
        answered=Count(
            "pk",
            filter=Q(pk__in=answered_requests(period).values("pk")),
        ),
    )
    result.requests_posted = requests["posted"]
    result.requests_answered = requests["answered"]

    together = cooperations(period).aggregate(
        total=Count("pk", distinct=True),
        not_without=Count(
            "pk", distinct=True, filter=Q(would_have_happened_without_kag__in=NOT_WITHOUT_KAG)
        ),
    )
    result.cooperations = together["total"]
    result.cooperations_not_without_kag = together["not_without"]

    ratings = feedback(period).aggregate(
        count=Count("pk"),
        average=Avg("rating"),
        **{f"stars_{stars}": Count("pk", filter=Q(rating=stars)) for stars in range(1, 6)},
    )
    result.feedback = ratings["count"]
    if ratings["average"] is not None:
        result.average_rating = round(ratings["average"], 1)
    result.ratings = [(stars, ratings[f"stars_{stars}"]) for stars in range(5, 0, -1)]
    wished = dict(
        feedback(period).exclude(next_format="").values_list("next_format").annotate(n=Count("pk"))
    )
    result.next_formats = sorted(
        ((key, str(format_labels[key]), n) for key, n in wished.items() if key in format_labels),
        key=lambda row: (-row[2], row[1]),
    )
    result.topic_groups = group_topics(
        feedback(period).exclude(topics="").values_list("topics", flat=True).iterator()
    )
    result.attendance_by_month = [
        (row["month"].date() if isinstance(row["month"], datetime) else row["month"], row["n"])
        for row in attendances(period)
        .annotate(month=TruncMonth("event__starts_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("month")
    ]
    return result
