"""Demo data of matchmaking for `manage.py seed_demo`: the seat plans of the demo evenings (the
coming one published, the past one with all rounds played), and the marks after the past
evening, one pair of them mutual (its two intro mails queued, its cooperation lead proposed).

The coming evening's plan is made last, after the marks: ten of its people were at the past
evening, so its plan avoids the pairs who met there (docs/seating.md, "Met at an earlier
evening"), except the mutual pair, who both wish to meet the other's firm again.

The follow-ups run late, after the seat plans. Should the past evening's plan be missing, a
simple one is made (pairs rotating round by round) so the marks have partners. Idempotent: an
event that has a plan keeps it; marks are saved through the same service as the page, whose
intro mails and lead are made once.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from events.models import Event, Registration

from .models import ContactMark, Seat, SeatingPlan
from .services import contact_marks, seating

Say = Callable[[str], None]

# The speed-dating evenings of events/demo.py.
COMING_EVENING = "Netzwerkabend in Oberhof"
PAST_EVENING = "Netzwerkabend mit Speed-Dating"
# (evening, publish the plan?, all rounds played?): the past one first, with the seats of the
# seat plans' layer (40); the coming one last (seed_coming_plan, layer 96).
DEMO_PLANS = ((PAST_EVENING, True, True), (COMING_EVENING, True, False))

# The demo logins (kag_portal/demo.py): the mutual pair is made with them where possible, so
# the follow-up page and the intro mails can be looked at by logging in.
DEMO_LOGINS = ("inhaberin@spannwerk-demo.de", "leitung@feinwerk-demo.de", "chef@glaswerk-demo.de")
# The notes of the mutual pair: the first one's about the second, the second one's about the first.
MUTUAL_NOTES = (
    "Sucht Sonder-Spannzangen; Angebot bis Monatsende schicken.",
    "Fertigt Spannzangen nach Zeichnung, Kleinserien möglich.",
)
# A few one-sided marks with a note: they stay private and send nothing.
ONE_SIDED_NOTE = "Nach der Messe noch einmal anrufen."
ONE_SIDED_MARKS = 3


# --- Seat plans ------------------------------------------------------------------------------


def seed_seating(say: Say) -> None:
    """The past evening's plan, all rounds played."""
    _seed_plans(say, DEMO_PLANS[:1])


def seed_coming_plan(say: Say) -> None:
    """The coming evening's plan, published, no round started: after the marks, so the pair
    who want to meet again (both marked the other, and both wish the other's firm) may."""
    event = _evening(COMING_EVENING)
    if event is not None and not SeatingPlan.objects.filter(event=event).exists():
        _wish_to_meet_again(event)
    _seed_plans(say, DEMO_PLANS[1:])


def _evening(title: str) -> Event | None:
    return Event.objects.filter(title=title, speed_dating_starts_at__isnull=False).first()


def _seed_plans(say: Say, plans) -> None:
    made = 0
    for title, publish, played in plans:
        event = _evening(title)
        if event is None or SeatingPlan.objects.filter(event=event).exists():
            continue
        try:
            _make_plan(event, publish=publish, played=played)
        except seating.SeatingError as error:
            say(f"seating: no plan for {title}: {error}")
            continue
        made += 1
    say(f"seating: {made} demo seat plans made")


def _wish_to_meet_again(event: Event) -> None:
    """The people of a mutual pair of marks who both come tonight wish each other's firm."""
    marked = set(
        ContactMark.objects.filter(wants_contact=True, partner__person__isnull=False)
        .exclude(registration__event=event)
        .values_list("registration__person_id", "partner__person_id")
    )
    tonight = {
        registration.person_id: registration
        for registration in event.registrations.filter(
            status=Registration.Status.CONFIRMED, person__isnull=False
        )
    }
    for a, b in marked:
        if (b, a) in marked and a in tonight and b in tonight:
            tonight[a].wish_partners.add(tonight[b].company_id)


def _make_plan(event: Event, *, publish: bool, played: bool) -> None:
    checked_in = event.registrations.filter(
        status=Registration.Status.CONFIRMED, checked_in_at__isnull=False
    )
    # A past evening is planned from the people who came.
    source = (
        SeatingPlan.Source.CHECKED_IN
        if played and checked_in.count() >= 2
        else SeatingPlan.Source.REGISTRATIONS
    )
    plan = seating.generate_plan(event=event, source=source, expected_version=None, by=None)
    if publish:
        plan = seating.publish(event=event, expected_version=plan.version, by=None)
    if played:
        seating.set_current_round(
            event=event,
            round_no=event.speed_dating_rounds,
            expected_version=plan.version,
            by=None,
        )


# --- Follow-ups: marks after the past evening -------------------------------------------------


@transaction.atomic
def seed_contact_marks(say: Say) -> None:
    event = _past_evening()
    if event is None:
        say("follow-ups: no past speed-dating evening")
        return
    plan = _plan_for_marks(event)
    if plan is None:
        say("follow-ups: the past evening has no published seat plan")
        return
    pair = _mutual_pair(plan)
    if pair is None:
        say("follow-ups: nobody sat together")
        return
    first, second = pair
    _mark_mutual(first, second)
    one_sided = _mark_one_sided(plan, exclude=pair)
    say(
        f"follow-ups: {first.name} and {second.name} want to stay in touch; "
        f"one-sided marks with notes: {one_sided}"
    )


def _past_evening() -> Event | None:
    return (
        Event.objects.filter(speed_dating_starts_at__isnull=False, ends_at__lt=timezone.now())
        .exclude(status__in=[Event.Status.DRAFT, Event.Status.CANCELLED])
        .order_by("-starts_at")
        .first()
    )


def _plan_for_marks(event: Event) -> SeatingPlan | None:
    """The evening's published plan with seats; a simple one when the evening has no plan."""
    plan = contact_marks.published_plan(event)
    if plan is None and not SeatingPlan.objects.filter(event=event).exists():
        plan = _simple_plan(event)
    if plan is None or not plan.seats.exists():
        return None
    return plan


def _rotating_pairs(ids: list[int], rounds: int) -> list[list[list[int]]]:
    """The circle method: everyone meets someone new each round; with an odd number the one
    left over joins a table of two they have not met (a table of three, nobody alone)."""
    people: list[int | None] = list(ids) + ([None] if len(ids) % 2 else [])
    met: set[frozenset[int]] = set()
    plan = []
    for _round in range(min(rounds, len(people) - 1)):
        tables = _circle_round(people, met)
        for table in tables:
            met.update(frozenset((x, y)) for x in table for y in table if x != y)
        plan.append(tables)
        people = [people[0], people[-1], *people[1:-1]]
    return plan


def _circle_round(people: list[int | None], met: set[frozenset[int]]) -> list[list[int]]:
    """The i-th from the front sits with the i-th from the back; the one facing the gap (None)
    joins the last table of two they have not met (the last table if they met all of them)."""
    tables = []
    spare = None
    for i in range(len(people) // 2):
        a, b = people[i], people[-1 - i]
        if a is None or b is None:
            spare = b if a is None else a
        else:
            tables.append([a, b])
    if spare is not None and tables:
        _seat_spare(spare, tables, met)
    return tables


def _seat_spare(spare: int, tables: list[list[int]], met: set[frozenset[int]]) -> None:
    fresh = [t for t in tables if not any(frozenset((spare, p)) in met for p in t)]
    (fresh or tables)[-1].append(spare)


def _simple_plan(event: Event) -> SeatingPlan | None:
    source, chosen = _simple_plan_people(event)
    if len(chosen) < 2:
        return None
    now = timezone.now()
    rounds = _rotating_pairs(chosen, event.speed_dating_rounds or 1)
    plan = SeatingPlan.objects.create(
        event=event,
        status=SeatingPlan.Status.PUBLISHED,
        source=source,
        current_round=len(rounds),
        generated_at=now,
        published_at=now,
    )
    Seat.objects.bulk_create(
        Seat(plan=plan, round=number, table=table_number, registration_id=pk)
        for number, tables in enumerate(rounds, start=1)
        for table_number, table in enumerate(tables, start=1)
        for pk in table
    )
    return plan


def _simple_plan_people(event: Event) -> tuple[str, list[int]]:
    """Those checked in, when at least two were; else everyone confirmed."""
    attendees = event.registrations.filter(status=Registration.Status.CONFIRMED)
    checked_in = attendees.filter(checked_in_at__isnull=False)
    if checked_in.count() >= 2:
        source, chosen = SeatingPlan.Source.CHECKED_IN, checked_in
    else:
        source, chosen = SeatingPlan.Source.REGISTRATIONS, attendees
    return source, list(chosen.order_by("pk").values_list("pk", flat=True))


def _mutual_pair(plan: SeatingPlan) -> tuple[Registration, Registration] | None:
    """Two people who sat together: demo logins first, so the result can be seen."""
    for first in _pair_candidates(plan):
        partners = [p.registration for p in contact_marks.partners_of(first, plan=plan)]
        if partners:
            logins = [p for p in partners if p.email.lower() in DEMO_LOGINS]
            return first, (logins or partners)[0]
    return None


def _pair_candidates(plan: SeatingPlan) -> list[Registration]:
    """The demo logins who sat in the plan, in DEMO_LOGINS' order, then everyone seated."""
    seated = {
        seat.registration_id: seat.registration
        for seat in plan.seats.select_related("registration__person", "registration__event")
    }
    by_email = {r.email.lower(): r for r in seated.values()}
    candidates = [by_email[email] for email in DEMO_LOGINS if email in by_email]
    return candidates + sorted(seated.values(), key=lambda r: r.pk)


def _mark_mutual(first: Registration, second: Registration) -> None:
    if ContactMark.objects.filter(registration=first, partner=second).exists():
        return
    for me, partner, note in ((first, second, MUTUAL_NOTES[0]), (second, first, MUTUAL_NOTES[1])):
        contact_marks.save_marks(
            registration=me, marks=[contact_marks.MarkInput(partner.pk, True, note)]
        )


def _mark_one_sided(plan: SeatingPlan, *, exclude: tuple[Registration, ...]) -> int:
    """A few seated people (not the mutual pair) mark a partner who did not mark them: once,
    when none of them has marked anyone yet."""
    others = Registration.objects.filter(seats__plan=plan).exclude(pk__in=[r.pk for r in exclude])
    if ContactMark.objects.filter(registration__in=others).exists():
        return 0
    made = 0
    for registration in others.distinct().order_by("pk"):
        if made == ONE_SIDED_MARKS:
            break
        made += _mark_a_partner(registration, plan)
    return made


def _mark_a_partner(registration: Registration, plan: SeatingPlan) -> bool:
    """The first partner who did not mark this person; False when there is none to mark."""
    if ContactMark.objects.filter(registration=registration).exists():
        return False
    marked_me = set(
        ContactMark.objects.filter(partner=registration).values_list("registration_id", flat=True)
    )
    partners = [
        partner
        for partner in contact_marks.partners_of(registration, plan=plan)
        if partner.registration.pk not in marked_me
    ]
    if not partners:
        return False
    contact_marks.save_marks(
        registration=registration,
        marks=[contact_marks.MarkInput(partners[0].registration.pk, True, ONE_SIDED_NOTE)],
    )
    return True
