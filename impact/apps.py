from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImpactConfig(AppConfig):
    """What the network made happen, counted for staff and the programmes that fund the KAG."""

    name = "impact"
    verbose_name = _("Impact")

    def ready(self) -> None:
        from kag_portal import demo

        from . import demo as impact_demo

        # A year of history for the dashboard: last, after every other demo loader (up to 90).
        demo.register(95, "impact_history", impact_demo.seed_history)

        from companies.models import Cooperation, CooperationParty
        from kag_portal import caching
        from matchmaking.models import Seat, SeatingPlan

        # The home page's figures (impact/templatetags/impact_home.py) besides the "events"
        # scope: confirmed cooperations and the seat plans that give the meetings.
        caching.invalidate_on_change("impact", Cooperation, CooperationParty, SeatingPlan, Seat)
