from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompaniesConfig(AppConfig):
    name = "companies"
    verbose_name = _("Companies")

    def ready(self) -> None:
        from kag_portal import demo

        from .services.demo import seed_towns

        demo.register(10, "towns", seed_towns)
