from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KagPortalConfig(AppConfig):
    name = "kag_portal"
    verbose_name = _("KAG Portal")

    def ready(self) -> None:
        from . import personal_data

        personal_data.register(
            "account", personal_data.export_account, personal_data.delete_account
        )
