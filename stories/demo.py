"""Demo data for `manage.py seed_demo`: the clamping-tool and fine-mechanics cooperation as a
published story from the past network evening, and cooperations in other states.

Every firm and person is fictional (companies/demo.py). Idempotent: cooperations are found
by their description, the story by its title.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from companies.models import Company, Cooperation, CooperationParty, Membership
from events.models import Event

from .models import Story, StoryApproval

STORY_COOPERATION = (
    "Spannwerk fertigt mitlaufende Sonder-Spannzangen für die Gewindespindeln, die Feinwerk Suhl "
    "in Messsysteme einbaut; Feinwerk kalibriert dafür Spannwerks Prüfmittel."
)
# The two firms of the story, the one that told it first.
STORY_COMPANIES = ("spannwerk-zella-mehlis", "feinwerk-suhl")
STORY_TITLE = "Vom Speed-Dating an die Drehbank: Spannwerk und Feinwerk"
STORY_LEAD = (
    "Acht Minuten am Stehtisch, dann war klar: Was Feinwerk Suhl seit Jahren im Ausland "
    "bestellt, fertigt man zwölf Kilometer entfernt in Zella-Mehlis. Heute liefern sich die "
    "beiden Betriebe gegenseitig zu."
)
STORY_BODY = """\
Beim Netzwerkabend der KAG in Suhl saßen sich Ines Hollerbach (Spannwerk Zella-Mehlis) und
Moritz Aschenbrenner (Feinwerk Suhl) in der zweiten Speed-Dating-Runde gegenüber.

> „Wir hatten jahrelang einen Lieferanten in der Schweiz für unsere Sonder-Spannzangen. Dass das
> zwölf Kilometer entfernt jemand kann, wussten wir schlicht nicht.“
> — Moritz Aschenbrenner, Feinwerk Suhl

## Was die beiden zusammen machen

- Spannwerk fertigt **mitlaufende Sonder-Spannzangen** für die Gewindespindeln von Feinwerk.
- Feinwerk kalibriert im Gegenzug Spannwerks Prüfmittel im eigenen Messraum.
- Die Lieferzeit für eine Sonderanfertigung sank von sechs Wochen auf acht Arbeitstage.

> „Wäre das ohne die KAG passiert? Wahrscheinlich nicht.“
> — Ines Hollerbach, Spannwerk Zella-Mehlis

Beide Betriebe bilden aus; im nächsten Jahr tauschen ihre Auszubildenden für zwei Wochen die
Werkstatt.
"""

# (description, company slugs, origin, without KAG, confirmed by all?)
OTHER_COOPERATIONS = [
    (
        "Härterei Lautertal härtet Stanzwerkzeuge für Ortlepp Umformtechnik im Wochentakt.",
        ("haerterei-lautertal", "ortlepp-umformtechnik"),
        Cooperation.Origin.REQUEST,
        Cooperation.WithoutKag.YES,
        True,
    ),
    (
        "Kellner Werkzeugbau und Heyder Antriebstechnik entwickeln gemeinsam eine "
        "Montagevorrichtung.",
        ("kellner-werkzeugbau", "heyder-antriebstechnik"),
        Cooperation.Origin.EVENT,
        Cooperation.WithoutKag.PROBABLY_NOT,
        False,
    ),
]


def _past_network_evening() -> Event | None:
    return (
        Event.objects.filter(format=Event.Format.NETWORK_EVENING, ends_at__lt=timezone.now())
        .exclude(status__in=[Event.Status.DRAFT, Event.Status.CANCELLED])
        .order_by("-starts_at")
        .first()
    )


def _owner(company: Company):
    membership = (
        Membership.objects.filter(company=company, role=Membership.Role.OWNER)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def _cooperation(
    description: str, companies: list[Company], origin: str, without_kag: str, confirmed: bool
) -> Cooperation:
    cooperation, _created = Cooperation.objects.get_or_create(
        description=description,
        defaults={
            "origin": origin,
            "would_have_happened_without_kag": without_kag,
            "started_on": timezone.localdate() - timedelta(days=45),
        },
    )
    now = timezone.now()
    for index, company in enumerate(companies):
        # The first company told it; the others confirm, unless this one is left to confirm.
        done = confirmed or index == 0
        CooperationParty.objects.get_or_create(
            cooperation=cooperation,
            company=company,
            defaults={
                "confirmed_at": now if done else None,
                "confirmed_by": _owner(company) if done else None,
            },
        )
    return cooperation


@transaction.atomic
def seed_stories(say: Callable[[str], None]) -> None:
    companies = {c.slug: c for c in Company.objects.filter(slug__in=_slugs())}
    story_companies = [companies[slug] for slug in STORY_COMPANIES if slug in companies]
    if len(story_companies) < len(STORY_COMPANIES):
        say("stories: demo companies missing, nothing made")
        return
    evening = _past_network_evening()
    cooperation = _cooperation(
        STORY_COOPERATION,
        story_companies,
        Cooperation.Origin.EVENT if evening else Cooperation.Origin.OTHER,
        Cooperation.WithoutKag.PROBABLY_NOT,
        True,
    )
    staff = _staff()
    if not Story.objects.filter(title=STORY_TITLE).exists():
        _publish_story(cooperation, story_companies, evening, staff)
    made = _other_cooperations(companies)
    say(f"stories: 1 published story, {made} more cooperations")


def _other_cooperations(companies: dict[str, Company]) -> int:
    made = 0
    for description, slugs, origin, without_kag, confirmed in OTHER_COOPERATIONS:
        if all(slug in companies for slug in slugs):
            _cooperation(description, [companies[s] for s in slugs], origin, without_kag, confirmed)
            made += 1
    return made


def _publish_story(
    cooperation: Cooperation, companies: list[Company], evening: Event | None, staff
) -> None:
    """The story, released by staff and approved by the owners of both companies."""
    now = timezone.now()
    story = Story.objects.create(
        cooperation=cooperation,
        title=STORY_TITLE,
        lead=STORY_LEAD,
        body=STORY_BODY,
        event=evening,
        author=staff,
        status=Story.Status.PUBLISHED,
        released_at=now,
        released_by=staff,
        published_at=now,
    )
    story.companies.set(companies)
    for company in companies:
        StoryApproval.objects.create(
            story=story,
            company=company,
            text_version=story.text_version,
            approved_by=_owner(company),
            approved_at=now,
        )


def _slugs() -> set[str]:
    return set(STORY_COMPANIES) | {
        slug for _d, slugs, *_rest in OTHER_COOPERATIONS for slug in slugs
    }


def _staff():
    from kag_portal.models import User

    return User.objects.filter(is_staff=True, email="team@kag-demo.de").first()
