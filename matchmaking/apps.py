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
