from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImpactConfig(AppConfig):
    """What the network made happen, counted for staff and the programmes that fund the KAG."""

    name = "impact"
    verbose_name = _("Impact")
