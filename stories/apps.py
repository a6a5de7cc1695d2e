from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StoriesConfig(AppConfig):
    name = "stories"
    verbose_name = _("Stories")

    def ready(self) -> None:
        from kag_portal import demo, personal_data

        from . import demo as stories_demo
        from . import services

        # Stories a person wrote and approvals they gave; at deletion the stories stay.
        personal_data.register(
            "stories", services.export_personal_data, services.delete_personal_data
        )
        from companies.signals import company_deleted

        company_deleted.connect(
            services.withdraw_for_deleted_company, dispatch_uid="stories_company_deleted"
        )
        # After the events (30) and matchmaking: the story began at the past demo evening.
        demo.register(50, "stories", stories_demo.seed_stories)

        from kag_portal import me_sections

        from . import views, views_staff

        # For KAG staff: next to the companies' (5) and events' (6) staff sections.
        me_sections.register(7, "staff_stories", views_staff.me_section, scopes=("stories",))
        # For owners and authors: stories waiting for approval, drafts; after events (20, 21).
        # Owners see the stories of their companies: the memberships decide which.
        me_sections.register(22, "stories", views.me_section, scopes=("stories", "memberships"))

        from companies.models import Company
        from kag_portal import caching

        from .models import Story, StoryApproval, StoryImage

        # The cached story list and pages, the home page's and the event pages' story cards
        # (kag_portal/page_cache.py): a story, its images, approvals, its companies' names.
        caching.invalidate_on_change("stories", Story, StoryImage, StoryApproval, Company)
