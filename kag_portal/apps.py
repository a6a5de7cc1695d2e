from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KagPortalConfig(AppConfig):
    name = "kag_portal"
    verbose_name = _("KAG Portal")

    def ready(self) -> None:
        from . import demo, personal_data

        # First of the demo loaders: the people who own demo companies and register for events.
        demo.register(0, "people", demo.seed_people)

        personal_data.register(
            "account", personal_data.export_account, personal_data.delete_account
        )
        _invalidate_person_pages()


def _invalidate_person_pages() -> None:
    """ "Mein Bereich" keeps its body per person (me_sections.py): a save of the account (name,
    e-mail, language, staff or not, a login) makes that person's copy stale, nobody else's."""
    from django.contrib.auth import get_user_model

    from . import caching
    from .me_sections import person_scope

    caching.invalidate_on_change(lambda user: person_scope(user.pk), get_user_model())
