from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsletterConfig(AppConfig):
    """The newsletter every six weeks: written by staff, sent through the outbox."""

    name = "newsletter"
    verbose_name = _("Newsletter")

    def ready(self) -> None:
        from kag_portal import me_sections, personal_data

        from . import services, views

        personal_data.register(
            "newsletter", services.export_personal_data, services.delete_personal_data
        )
        me_sections.register(30, "newsletter", views.me_section, scopes=("newsletter",))

        from kag_portal import caching

        from .models import Subscriber

        # "Mein Bereich" says whether the person receives the newsletter.
        caching.invalidate_on_change("newsletter", Subscriber)
