from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Any seat plan's publication ("Mein Bereich" shows today's partners link).
SEAT_PLANS_SCOPE = "seat_plans"


class MatchmakingConfig(AppConfig):
    name = "matchmaking"
    verbose_name = _("Matchmaking")

    def ready(self) -> None:
        from kag_portal import demo, me_sections, personal_data

        from .services import personal_data as matchmaking_data
        from .views import partners

        # On the day of an evening: the link to one's partners, above the registrations (20).
        me_sections.register(
            15, "partners_today", partners.me_today_section, scopes=("events", SEAT_PLANS_SCOPE)
        )

        # Seats and contact marks: exported; at deletion the marks by and about the person go,
        # seats in played plans stay on the registration the events' part anonymises.
        personal_data.register("matchmaking", matchmaking_data.export, matchmaking_data.delete)
        from . import demo as matchmaking_demo

        # Seat plans of the demo evenings: after the events (30) made them.
        demo.register(40, "seating", matchmaking_demo.seed_seating)
        # Marks on the past evening: late, after the events (30) and the seat plans' demo.
        demo.register(90, "contact_marks", matchmaking_demo.seed_contact_marks)
        # The coming evening's plan last, after the marks (who wants to meet again may) and the
        # impact history (95), whose evenings are history to it too (demo.py).
        demo.register(96, "seating_coming", matchmaking_demo.seed_coming_plan)
        _invalidate_partners_pages()


def _invalidate_partners_pages() -> None:
    """The cached pages of "Meine Gesprächspartner" (views/partners.py) show the partners'
    names, companies (name, town, tags, public or not), their wishes, the event's round times and
    the plan: a write to one of those rows makes them stale. Registrations and the event bump the
    evening's scope, its seat plan the plan's scope, so a registration for another evening leaves
    this one's pages alone; companies, tags and towns (anyone's partner) bump the scope of all
    evenings. Seats are not watched (a signal on them would make every bulk delete of a plan's
    seats go row by row): every change of seats, publication or marked round goes through
    matchmaking.services.seating, which raises the plan's version and saves the plan.
    """
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from companies.models import Company, Tag, Town
    from events.models import Event, Registration
    from kag_portal import caching

    from .models import SeatingPlan
    from .views.partners import SCOPE, event_scope, plan_scope

    bump_now_and_at_commit = caching.bump_now_and_at_commit

    def bump_all(**kwargs) -> None:
        bump_now_and_at_commit(SCOPE)

    def bump_event(sender, instance, **kwargs) -> None:
        event_id = instance.pk if isinstance(instance, Event) else instance.event_id
        bump_now_and_at_commit(event_scope(event_id))

    def bump_plan(sender, instance, **kwargs) -> None:
        bump_now_and_at_commit(plan_scope(instance.event_id), SEAT_PLANS_SCOPE)

    def bump_wishes(sender, instance, **kwargs) -> None:
        # registration.wish_partners.add(...) or, from the other side, company.wished_by...
        if isinstance(instance, Registration):
            bump_now_and_at_commit(event_scope(instance.event_id))
        else:
            bump_now_and_at_commit(SCOPE)

    def connect(handler, model) -> None:
        uid = f"matchmaking:partners:{model._meta.label}"
        post_save.connect(handler, sender=model, weak=False, dispatch_uid=uid + ":save")
        post_delete.connect(handler, sender=model, weak=False, dispatch_uid=uid + ":delete")

    for model in (Company, Tag, Town):
        connect(bump_all, model)
    for field in Company._meta.local_many_to_many:
        m2m_changed.connect(
            bump_all,
            sender=field.remote_field.through,
            weak=False,
            dispatch_uid=f"matchmaking:partners:company:{field.name}:m2m",
        )
    for model in (Event, Registration):
        connect(bump_event, model)
    connect(bump_plan, SeatingPlan)
    m2m_changed.connect(
        bump_wishes,
        sender=Registration.wish_partners.through,
        weak=False,
        dispatch_uid="matchmaking:partners:registration:wish_partners:m2m",
    )
