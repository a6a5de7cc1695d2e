from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchmakingConfig(AppConfig):
    name = "matchmaking"
    verbose_name = _("Matchmaking")

    def ready(self) -> None:
        from kag_portal import demo, personal_data

        from .services import personal_data as matchmaking_data
        from .services.demo_followups import seed_followups

        # Seats and contact marks: exported; at deletion the marks by and about the person go,
        # seats in played plans stay on the registration the events' part anonymises.
        personal_data.register("matchmaking", matchmaking_data.export, matchmaking_data.delete)
        from .services.demo import seed_seating

        # Seat plans of the demo evenings: after the events (30) made them.
        demo.register(40, "seating", seed_seating)
        # Marks on the past evening: late, after the events (30) and the seat plans' demo.
        demo.register(90, "matchmaking_followups", seed_followups)
        _invalidate_partners_pages()


def _invalidate_partners_pages() -> None:
    """The cached rounds of "Meine Gesprächspartner" (views/partners.py) show the partners'
    names, companies (name, town, tags, public or not), their wishes and the event's round
    times: any write to those rows makes every cached schedule stale. Seats are not watched
    (a signal on them would make every bulk delete of a plan's seats row by row): every change
    of seats, publication or marked round goes through matchmaking.services.seating, which
    raises the plan's version, part of every key, and saves the plan (watched here too)."""
    from django.db import transaction
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from companies.models import Company, Tag, Town
    from events.models import Event, Registration
    from kag_portal import caching

    from .models import SeatingPlan
    from .views.partners import SCOPE

    def bump(**kwargs) -> None:
        caching.bump(SCOPE)
        # Again once the write is committed: a request that read the old rows after the first
        # bump (the write was not committed yet) cached them under a generation now gone.
        transaction.on_commit(lambda: caching.bump(SCOPE))

    for model in (Registration, Company, Tag, Town, Event, SeatingPlan):
        uid = f"matchmaking:partners:{model._meta.label}"
        post_save.connect(bump, sender=model, weak=False, dispatch_uid=uid + ":save")
        post_delete.connect(bump, sender=model, weak=False, dispatch_uid=uid + ":delete")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                bump,
                sender=field.remote_field.through,
                weak=False,
                dispatch_uid=f"{uid}:{field.name}:m2m",
            )
