from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompaniesConfig(AppConfig):
    name = "companies"
    verbose_name = _("Companies")

    def ready(self) -> None:
        from kag_portal import demo

        from .services.demo import seed_towns

        demo.register(10, "towns", seed_towns)

        from kag_portal import personal_data

        from .services import board

        # Requests and answers a person wrote, and their weekly digest subscription.
        personal_data.register("requests", board.export_personal_data, board.delete_personal_data)
