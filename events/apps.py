from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")

    def ready(self) -> None:
        from kag_portal import me_sections

        from .views import public, staff

        # For KAG staff: a link to the events tools, next to the companies' staff section.
        me_sections.register(6, "staff_events", staff.me_section, scopes=())
        # For everyone: their coming registrations, after their companies (10).
        me_sections.register(20, "events", public.me_section, scopes=("events",))
        # For everyone: their personal calendar subscription (views/calendar.py).
        from .views import calendar

        me_sections.register(
            21,
            "events_calendar",
            calendar.me_section,
            scopes=("calendar",),
            uncached_when=calendar.has_calendar_message,
        )

        from kag_portal import demo, personal_data

        from .services import personal_data as event_data

        # Registrations: exported; at deletion coming places are given back, past ones anonymised.
        personal_data.register(
            "events", event_data.export, event_data.delete, names=event_data.names
        )
        # Invitations to the person: exported; at deletion kept as anonymous counts.
        personal_data.register(
            "event_invitations", event_data.export_invitations, event_data.delete_invitations
        )
        from .services import calendar as calendar_data

        # The secret calendar link: exported, deleted with the account.
        personal_data.register(
            "events_calendar",
            calendar_data.export_personal_data,
            calendar_data.delete_personal_data,
        )

        from companies.signals import company_deleted

        # A company that is deleted gives its places at coming events back (the waitlist moves).
        company_deleted.connect(
            event_data.give_back_company_places, dispatch_uid="events_company_deleted"
        )

        from . import demo as events_demo

        # After the demo companies (20): their owners register for the demo events.
        demo.register(30, "events", events_demo.seed_events)

        from companies.models import Company, Town
        from kag_portal import caching

        from .models import AgendaItem, Event, Registration

        # The cached public event pages (kag_portal/page_cache.py): an event, its agenda, its
        # places left (every registration), the host's and the towns' names.
        caching.invalidate_on_change("events", Event, AgendaItem, Registration, Company, Town)

        from .models import CalendarFeed

        # "Mein Bereich" shows the person's calendar links.
        caching.invalidate_on_change("calendar", CalendarFeed)
