"""Who gets what, for every URL of the portal.

Every URL pattern needs a row here: the suite fails when a new URL has none. A row says what an
anonymous visitor, a member of a company, a member of *another* company and KAG staff get for a
GET of that URL (the path may be built from the test world, for URLs about one object).
Outcomes: a status code, or LOGIN (a redirect to the login page).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from kag_portal import mail
from tests.factories import CompanyFactory, MembershipFactory, StaffFactory, UserFactory

LOGIN = "login"
ROLES = ("anonymous", "member", "other_member", "staff")


@dataclass(frozen=True)
class Row:
    path: str | Callable[[dict], str]
    anonymous: int | str
    member: int | str
    other_member: int | str
    staff: int | str


def everyone(status: int, path: str | Callable[[dict], str]) -> Row:
    return Row(path, status, status, status, status)


def logged_in_only(path: str | Callable[[dict], str], status: int = 200) -> Row:
    return Row(path, LOGIN, status, status, status)


def anonymous_only(path: str) -> Row:
    # allauth sends people who are logged in already on to their area.
    return Row(path, 200, 302, 302, 302)


def staff_only(path: str | Callable[[dict], str], status: int = 200) -> Row:
    return Row(path, LOGIN, 403, 403, status)


def tag_rename_path(world: dict) -> str:
    from tests.factories import TagFactory

    return f"/staff/companies/tags/{TagFactory(name='Spannzangen').pk}/rename/"


def staff_rows() -> dict[str, Row]:
    def company(suffix: str = "") -> Callable[[dict], str]:
        return lambda world: f"/staff/companies/{world['company'].pk}/{suffix}"

    return {
        "staff_companies:review_queue": staff_only("/staff/companies/"),
        "staff_companies:company_detail": staff_only(company()),
        "staff_companies:approve": staff_only(company("approve/"), 405),  # POST only
        "staff_companies:reject": staff_only(company("reject/")),
        "staff_companies:hide": staff_only(company("hide/"), 405),
        "staff_companies:unhide": staff_only(company("unhide/"), 405),
        "staff_companies:tag_list": staff_only("/staff/companies/tags/"),
        # Fewer than two tags chosen: back to the list.
        "staff_companies:tag_merge": staff_only("/staff/companies/tags/merge/", 302),
        "staff_companies:tag_rename": staff_only(tag_rename_path),
        "staff_companies:import_upload": staff_only("/staff/companies/import/"),
        # No file chosen yet: back to the upload page.
        "staff_companies:import_preview": staff_only("/staff/companies/import/preview/", 302),
        "staff_companies:import_commit": staff_only("/staff/companies/import/commit/", 405),
        "staff_companies:import_template": staff_only("/staff/companies/import/vorlage.csv"),
        "staff_companies:export": staff_only("/staff/companies/export.csv"),
    }


def staff_event_rows() -> dict[str, Row]:
    def event(suffix: str = "") -> Callable[[dict], str]:
        def path(world: dict) -> str:
            from tests.events.staff_helpers import make_event

            return f"/staff/events/{make_event().pk}/{suffix}"

        return path

    def checkin_path(kind: str) -> Callable[[dict], str]:
        """The check-in URL of "member"'s registration: its scan code, or one-tap in / undo."""

        def path(world: dict) -> str:
            from events.services.checkin import checkin_code

            registration = event_registration(world)
            base = f"/staff/events/{registration.event_id}/checkin"
            if kind == "code":
                return f"{base}/code/{checkin_code(registration)}/"
            return f"{base}/{registration.pk}/{kind}/"

        return path

    return {
        "staff_events:list": staff_only("/staff/events/"),
        "staff_events:create": staff_only("/staff/events/new/"),
        "staff_events:edit": staff_only(event()),
        "staff_events:duplicate": staff_only(event("duplicate/"), 405),  # POST only
        "staff_events:publish": staff_only(event("publish/"), 405),
        "staff_events:cancel": staff_only(event("cancel/")),  # a confirmation page
        "staff_events:registrations": staff_only(event("registrations/")),
        "staff_events:registrations_csv": staff_only(event("registrations.csv")),
        "staff_events:print": staff_only(event("print/")),
        "staff_events:retention": staff_only("/staff/events/retention/"),
        # Check-in at the door (views/checkin.py); a forged scan code is a 404 for staff too:
        # tests/events/test_checkin.py.
        "staff_events:checkin": staff_only(event("checkin/")),
        "staff_events:checkin_lookup": staff_only(event("checkin/code/"), 405),  # POST only
        "staff_events:checkin_code": staff_only(checkin_path("code")),
        "staff_events:checkin_walk_in": staff_only(event("checkin/walk-in/")),
        "staff_events:checkin_in": staff_only(checkin_path("in"), 405),
        "staff_events:checkin_undo": staff_only(checkin_path("undo"), 405),
        "staff_events:invitations": staff_only(event("invitations/")),
        "staff_events:invitation_progress": staff_only(event("invitations/progress/")),
    }


def invitation_path(world: dict) -> str:
    """A fresh invitation of "member"'s company to a new address (token link of the mail)."""
    from companies.services import members

    invitation = members.invite(
        company=world["company"], email="neu@spannwerk.example", role="editor", by=world["member"]
    )
    return f"/companies/invitations/{members.invitation_token(invitation)}/"


def join_request_path(world: dict) -> str:
    """The other member asks to join "member"'s company; only its owners open the decision."""
    from companies.models import JoinRequest

    join_request = JoinRequest.objects.create(company=world["company"], user=world["other_member"])
    return f"/companies/{world['company'].slug}/members/requests/{join_request.pk}/"


def profile_rows() -> dict[str, Row]:
    """Creating and editing profiles, members, invitations, logo (views/profile.py, members.py).
    "member" owns world["company"]; other companies' members and staff get 403 on a public
    company's private pages (404 on a draft: tests/companies/test_profile_permissions.py)."""

    def company(suffix: str) -> Callable[[dict], str]:
        return lambda world: f"/companies/{world['company'].slug}/{suffix}"

    def members_only(suffix: str) -> Row:
        return Row(company(suffix), LOGIN, 200, 403, 403)

    def membership(suffix: str) -> Callable[[dict], str]:
        return lambda world: (
            f"/companies/{world['company'].slug}/members/{world['membership'].pk}/{suffix}"
        )

    return {
        "companies:create": logged_in_only("/companies/new/"),
        "companies:join_search": logged_in_only("/companies/join/?q=Spann"),
        "companies:accept_invitation": everyone(200, invitation_path),
        "companies:edit": members_only("edit/"),
        "companies:edit_tags": members_only("edit/tags/"),
        "companies:consent": members_only("edit/consent/"),
        "companies:logo": members_only("logo/"),
        "companies:members": members_only("members/"),
        "companies:invite": members_only("members/invite/"),  # owners only
        "companies:delete": members_only("delete/"),  # owners only
        "companies:join_request": Row(join_request_path, LOGIN, 200, 403, 403),
        # A member is sent on to the members page; everyone else may ask.
        "companies:join": Row(company("join/"), LOGIN, 302, 200, 200),
        # GET asks first (kag_portal/confirmation.py), POST does it.
        "companies:leave": members_only("members/leave/"),
        # The owner's own membership: removing oneself is leaving, so GET sends them there.
        "companies:remove_member": Row(membership("remove/"), LOGIN, 302, 403, 403),
        # POST only
        "companies:submit": everyone(405, company("submit/")),
        "companies:change_role": everyone(405, membership("role/")),
        "companies:transfer_ownership": everyone(405, membership("transfer/")),
        "companies:revoke_invitation": everyone(405, company("members/invitations/1/revoke/")),
    }


def unsubscribe_path(world: dict) -> str:
    token = mail.unsubscribe_token(email=world["member"].email, topic="newsletter")
    return f"/unsubscribe/{token}/"


def event_registration(world: dict):
    """The registration of world["member"] for world["company"] at a published event."""
    from events.services.registration import register
    from tests.factories import EventFactory

    return register(
        event=EventFactory(),
        company=world["company"],
        person=world["member"],
        name="Mitglied",
        email=world["member"].email,
        registered_by=world["member"],
    )


def newsletter_path(world: dict, suffix: str = "", *, sent: bool = False) -> str:
    """A draft issue in the staff editor, or a sent one in the public archive."""
    from newsletter.models import NewsletterIssue
    from newsletter.services import start_sending

    issue = NewsletterIssue.objects.create(subject="KAG-Brief", intro="Hallo")
    if sent:
        start_sending(issue_id=issue.pk, by=world["staff"])
        return f"/newsletter/{issue.pk}/"
    return f"/staff/newsletter/{issue.pk}/{suffix}"


def decline_path(world: dict) -> str:
    from events.services.registration import decline_token

    return decline_token(event_registration(world))


def event_invitation_path(world: dict) -> str:
    """The personal link of an invitation of "member" to a published event."""
    from events.models import EventInvitation
    from events.services.invitations import invitation_token
    from tests.factories import EventFactory

    invitation = EventInvitation.objects.create(
        event=EventFactory(), email=world["member"].email, person=world["member"]
    )
    return f"/events/invitation/{invitation_token(invitation)}/"


def personal_feed_path(world: dict) -> str:
    """The secret calendar feed of "member": whoever holds the link gets it, no login."""
    from events.services.calendar import renew_feed

    return f"/events/feed/{renew_feed(user=world['member']).token}.ics"


def company_run_team_path(world: dict) -> str:
    from tests.factories import EventFactory

    return f"/events/{EventFactory(format='company_run').pk}/team/"


def post_only(path: str | Callable[[dict], str]) -> Row:
    return Row(path, LOGIN, 405, 405, 405)


def story_path(world: dict, status: str = "draft", suffix: str = "") -> str:
    """A story about a confirmed cooperation of "member"'s company with a third company (not
    "other_member"'s), written by "member"; a draft, or waiting for approval ("in_review")."""
    from django.utils import timezone

    from companies.models import Cooperation, CooperationParty
    from stories.models import Story

    title = f"Geschichte {status}"
    story = Story.objects.filter(title=title).first()
    if story is None:
        partner = CompanyFactory(published=True, name="Härterei GmbH")
        cooperation = Cooperation.objects.create(
            description="Sonder-Spannzangen", started_on=timezone.localdate(), origin="event"
        )
        for company in (world["company"], partner):
            CooperationParty.objects.create(
                cooperation=cooperation, company=company, confirmed_at=timezone.now()
            )
        story = Story.objects.create(
            cooperation=cooperation, title=title, lead="Lead", body="Text", status=status,
            author=world["member"],
        )  # fmt: skip
        story.companies.set([world["company"], partner])
    return f"/stories/{story.pk}/{suffix}"


def story_rows() -> dict[str, Row]:
    def story(suffix: str = "", status: str = "draft") -> Callable[[dict], str]:
        return lambda world: story_path(world, status, suffix)

    def staff_story(suffix: str = "") -> Callable[[dict], str]:
        return lambda world: story_path(world).replace("/stories/", "/staff/stories/") + suffix

    return {
        "stories:list": everyone(200, "/stories/"),
        # Members without a confirmed cooperation are told so (200) instead of a form.
        "stories:create": logged_in_only("/stories/new/"),
        # A draft: its author's company and staff only; everyone else 404.
        "stories:detail": Row(story(), 404, 200, 404, 200),
        "stories:edit": Row(story("edit/"), LOGIN, 200, 404, 200),
        "stories:submit": post_only(story("submit/")),
        "stories:images": Row(story("images/"), LOGIN, 200, 404, 200),
        # GET asks first; there is no image 1 (tests/stories test the page with a real one).
        "stories:image_delete": Row(story("images/1/delete/"), LOGIN, 404, 404, 404),
        # Owners of an involved company only; staff may see it but approve for no company.
        "stories:approve": Row(story("approve/", "in_review"), LOGIN, 200, 404, 403),
        "staff_stories:list": staff_only("/staff/stories/"),
        "staff_stories:create": staff_only("/staff/stories/new/"),
        "staff_stories:detail": staff_only(staff_story()),
        "staff_stories:submit": staff_only(staff_story("submit/"), 405),
        "staff_stories:publish": staff_only(staff_story("publish/"), 405),
        "staff_stories:unpublish": staff_only(staff_story("unpublish/"), 405),
    }


def help_request_path(world: dict, suffix: str = "") -> str:
    """An open request on the board, posted by "member"'s published company."""
    from companies.models import HelpRequest, Membership
    from tests.factories import MembershipFactory

    membership = Membership.objects.filter(user=world["member"]).select_related("company").first()
    if membership is None:
        membership = MembershipFactory(user=world["member"], company__published=True)
    company = membership.company
    help_request, _created = HelpRequest.objects.get_or_create(
        company=company, title="Sonder-Spannzangen", defaults={"description": "Kleinserie"}
    )
    return f"/help-requests/{help_request.pk}/{suffix}"


def company_page_path(world: dict) -> str:
    """The page of "member"'s published company (made here if the world has none yet)."""
    from companies.models import Membership
    from tests.factories import MembershipFactory

    membership = Membership.objects.filter(user=world["member"]).select_related("company").first()
    if membership is None:
        membership = MembershipFactory(user=world["member"], company__published=True)
    return f"/companies/{membership.company.slug}/"


def published_seat_plan(world: dict):
    """A speed-dating evening with a published seat plan; "member" is seated in it."""
    from events.services.registration import register
    from matchmaking.services import seating
    from tests.matchmaking.seating_helpers import attendees, speed_dating_event

    event = speed_dating_event(rounds=2)
    own = register(
        event=event,
        company=world["company"],
        person=world["member"],
        name="Mitglied",
        email=world["member"].email,
        registered_by=world["member"],
    )
    attendees(event, 3)
    plan = seating.generate_plan(
        event=event, source="registrations", expected_version=None, by=world["staff"]
    )
    seating.publish(event=event, expected_version=plan.version, by=world["staff"])
    return event, own


def today_path(world: dict) -> str:
    published_seat_plan(world)  # the member's: their start leads to it, the others' to /me/
    return "/events/my-partners/"


def seating_rows() -> dict[str, Row]:
    """Seat plans (matchmaking): staff tools, and an attendee's partners (the attendee, owners of
    their company and staff; everyone else 404, as before publishing:
    tests/matchmaking/test_partners.py)."""

    def staff_path(suffix: str = "") -> Callable[[dict], str]:
        return lambda world: f"/staff/events/{published_seat_plan(world)[0].pk}/seating/{suffix}"

    def live_path(suffix: str = "") -> Callable[[dict], str]:
        return lambda world: f"/staff/events/{published_seat_plan(world)[0].pk}/live/{suffix}"

    def screen_path(suffix: str = "") -> Callable[[dict], str]:
        def path(world: dict) -> str:
            from matchmaking.models import SeatingPlan
            from matchmaking.services import live_evening

            event, _ = published_seat_plan(world)
            version = SeatingPlan.objects.get(event=event).version
            plan = live_evening.renew_screen_link(
                event=event, expected_version=version, by=world["staff"]
            )
            return f"/events/{event.pk}/screen/{plan.screen_token}/{suffix}"

        return path

    def partners_path(suffix: str = "") -> Callable[[dict], str]:
        def path(world: dict) -> str:
            event, own = published_seat_plan(world)
            return f"/events/{event.pk}/my-partners/{suffix}?registration={own.pk}"

        return path

    return {
        "staff_matchmaking:seating": staff_only(staff_path()),
        "staff_matchmaking:generate": staff_only(staff_path("generate/"), 405),  # POST only
        "staff_matchmaking:swap": staff_only(staff_path("swap/"), 405),
        "staff_matchmaking:replan": staff_only(staff_path("replan/"), 405),
        "staff_matchmaking:current_round": staff_only(staff_path("round/"), 405),
        "staff_matchmaking:publish": staff_only(staff_path("publish/"), 405),
        "staff_matchmaking:unpublish": staff_only(staff_path("unpublish/"), 405),
        "staff_matchmaking:print_tables": staff_only(staff_path("print/tables/")),
        "staff_matchmaking:print_wall": staff_only(staff_path("print/wall/")),
        "staff_matchmaking:print_slips": staff_only(staff_path("print/slips/")),
        # The run of show on the evening (views/live.py): KAG staff only.
        "staff_matchmaking:live": staff_only(live_path()),
        "staff_matchmaking:live_start": staff_only(live_path("start/"), 405),  # POST only
        "staff_matchmaking:live_end": staff_only(live_path("end/"), 405),
        "staff_matchmaking:live_replan": staff_only(live_path("replan/"), 405),
        # GET asks first; without a person named it goes back to the live page.
        "staff_matchmaking:live_leave": staff_only(live_path("leave/"), 302),
        "staff_matchmaking:live_screen_link": staff_only(live_path("screen-link/"), 405),
        # The big screen: whoever holds the secret link (no login); a wrong or renewed token is
        # a 404 for everyone: tests/matchmaking/test_screen.py.
        "matchmaking:screen": everyone(200, screen_path()),
        "matchmaking:screen_state": everyone(200, screen_path("state/")),
        "matchmaking:my_partners": Row(partners_path(), LOGIN, 200, 404, 200),
        "matchmaking:my_partners_rounds": Row(partners_path("rounds/"), LOGIN, 200, 404, 200),
        # The schedule offline: the worker script is the same file for everyone; the installed
        # page's start leads a logged-in person to their schedule of the day, else to their area.
        "matchmaking:my_partners_worker": everyone(200, "/events/my-partners-worker.js"),
        "matchmaking:my_partners_today": Row(today_path, LOGIN, 302, 302, 302),
    }


def contact_marks_path(world: dict) -> str:
    """A speed-dating evening that took place yesterday; "member" sat with one other attendee."""
    from tests.events.staff_helpers import register
    from tests.matchmaking.contact_marks_helpers import attendee, evening, seat_plan

    event = evening()
    own = register(event, person=world["member"], company=world["company"], name="Mitglied")
    seat_plan(event, [[[own, attendee(event)]]])
    return f"/events/{event.pk}/follow-ups/"


def cooperation_confirm_path(world: dict) -> str:
    """A cooperation a third company told about, awaiting the confirmation of "member"'s one."""
    from companies.models import Cooperation
    from companies.services.cooperations import propose_cooperation
    from tests.factories import CompanyFactory

    cooperation = propose_cooperation(
        proposer=CompanyFactory(published=True),
        partners=[world["company"]],
        description="Gemeinsame Ausbildungsmesse",
        origin=Cooperation.Origin.EVENT,
        created_by=None,
    )
    return f"/events/cooperations/{cooperation.pk}/confirm/"


MATRIX: dict[str, Row] = {
    # kag_portal
    "home": everyone(200, "/"),
    "healthz": everyone(200, "/healthz"),
    "set_language": everyone(405, "/language/"),  # POST only
    "switch_language": everyone(302, "/sprache/?language=de&next=/"),
    "me": logged_in_only("/me/"),
    "me_export": logged_in_only("/me/export/"),
    "me_delete": logged_in_only("/me/delete/"),
    # stories (stories/urls.py, stories/urls_staff.py)
    **story_rows(),
    "unsubscribe": everyone(200, unsubscribe_path),
    # A GET leads to the form on the accessibility page.
    "report_barrier": everyone(302, "/barrierefreiheit/melden/"),
    "site_page": everyone(200, "/impressum/"),
    "media": everyone(404, "/media/logos/gibt-es-nicht.webp"),
    # companies
    "companies:directory": everyone(200, "/companies/?q=Spannwerk&town=suhl"),
    "companies:tag_suggest": everyone(200, "/companies/tags/suggest/?q=spann"),
    # A published company's page; drafts: tests/companies/test_directory_permissions.py
    "companies:detail": everyone(200, company_page_path),
    **profile_rows(),
    # requests board (companies/urls_help_requests.py); a request of "member"'s company
    "help_requests:list": everyone(200, "/help-requests/"),
    "help_requests:create": logged_in_only("/help-requests/new/"),
    "help_requests:detail": everyone(200, lambda world: help_request_path(world)),
    "help_requests:answer": post_only(lambda world: help_request_path(world, "answer/")),
    "help_requests:close": post_only(lambda world: help_request_path(world, "close/")),
    "help_requests:confirm_cooperation": post_only(
        lambda world: help_request_path(world, "confirm/")
    ),
    "help_requests:edit": Row(
        lambda world: help_request_path(world, "edit/"), LOGIN, 200, 403, 403
    ),
    "help_requests:delete": Row(
        lambda world: help_request_path(world, "delete/"), LOGIN, 200, 403, 403
    ),
    "help_requests:digest_subscribe": post_only("/help-requests/digest/subscribe/"),
    "help_requests:digest_unsubscribe": post_only("/help-requests/digest/unsubscribe/"),
    # the board's address before issue 14, kept for links in mails sent before
    "old_requests_board": everyone(301, "/requests/"),
    # staff tools (companies/urls_staff.py): KAG staff only, members of any company get 403
    **staff_rows(),
    # events
    "events:list": everyone(200, "/events/"),
    # staff event tools (events/urls_staff.py): KAG staff only
    **staff_event_rows(),
    # the newsletter (newsletter/urls.py, urls_staff.py): archive public, editor staff only
    "newsletter:archive": everyone(200, "/newsletter/"),
    "newsletter:subscribe": everyone(405, "/newsletter/subscribe/"),  # POST only
    "newsletter:confirm": everyone(404, "/newsletter/confirm/forged-token/"),
    "newsletter:member_subscription": post_only("/newsletter/me/"),
    "newsletter:issue": everyone(200, lambda world: newsletter_path(world, sent=True)),
    "staff_newsletter:list": staff_only("/staff/newsletter/"),
    "staff_newsletter:create": staff_only("/staff/newsletter/new/"),
    "staff_newsletter:edit": staff_only(lambda world: newsletter_path(world)),
    "staff_newsletter:send": staff_only(lambda world: newsletter_path(world, "send/")),
    # cooperations the KAG team records (stories/urls_staff.py): KAG staff only
    "staff_stories:cooperations": staff_only("/staff/stories/cooperations/"),
    "staff_stories:cooperation_create": staff_only("/staff/stories/cooperations/new/"),
    # the impact dashboard and funder report (impact/urls.py): KAG staff only
    "impact:dashboard": staff_only("/staff/impact/"),
    "impact:figure_list": staff_only("/staff/impact/registrations/"),
    "impact:report": staff_only("/staff/impact/report/"),
    "impact:report_csv": staff_only("/staff/impact/report.csv"),
    # seat plans (matchmaking/urls.py, urls_staff.py)
    **seating_rows(),
    # After the evening: marks and notes are private, only the attendee themself sees them.
    "matchmaking:contact_marks": Row(contact_marks_path, LOGIN, 200, 404, 404),
    "events:detail": everyone(200, lambda world: f"/events/{event_registration(world).event_id}/"),
    # A registration: the attendee, who registered them and their company's members only.
    "events:registration": Row(
        lambda world: f"/events/registrations/{event_registration(world).pk}/", LOGIN, 200, 404, 404
    ),
    # GET asks first, POST cancels.
    "events:cancel": Row(
        lambda world: f"/events/registrations/{event_registration(world).pk}/cancel/",
        LOGIN,
        200,
        404,
        404,
    ),
    # The signed link in the "a place is free" mail: whoever holds it may give the place back.
    # Wish partners: the attendee (and who registered them) only; the event has no speed
    # dating here, so the attendee gets 404 too (tests/matchmaking/test_wishes.py has the rest).
    "matchmaking:wishes": Row(
        lambda world: f"/events/registrations/{event_registration(world).pk}/wishes/",
        LOGIN,
        404,
        404,
        404,
    ),
    "matchmaking:wish_choices": Row(
        lambda world: f"/events/registrations/{event_registration(world).pk}/wishes/choices/",
        LOGIN,
        404,
        404,
        404,
    ),
    "events:decline": everyone(200, lambda world: f"/events/decline/{decline_path(world)}/"),
    # After the event (views/followups.py): only the attendee themself; a coming event shows why
    # the form is not there yet. The confirmation: members of the companies in it.
    "events:feedback": Row(
        lambda world: f"/events/registrations/{event_registration(world).pk}/feedback/",
        LOGIN,
        200,
        404,
        404,
    ),
    "events:cooperation": Row(
        lambda world: f"/events/registrations/{event_registration(world).pk}/cooperation/",
        LOGIN,
        200,
        404,
        404,
    ),
    "events:cooperation_confirm": Row(cooperation_confirm_path, LOGIN, 200, 404, 404),
    # The personal invitation link: log in first, then on to the event's registration form.
    "events:invitation": Row(event_invitation_path, LOGIN, 302, 302, 302),
    # Calendar files: a published event's .ics and the public feed for everyone.
    "events:ics": everyone(
        200, lambda world: f"/events/{event_registration(world).event_id}/event.ics"
    ),
    "events:public_feed": everyone(200, "/events/feed.ics"),
    "events:personal_feed": everyone(200, personal_feed_path),
    "events:renew_feed": post_only("/events/feed/renew/"),
    # The company-run team form: members of any company; staff without a company get 403.
    "events:team": Row(company_run_team_path, LOGIN, 200, 200, 403),
    # allauth
    "account_login": anonymous_only("/accounts/login/"),
    "account_signup": anonymous_only("/accounts/signup/"),
    "account_logout": Row("/accounts/logout/", 302, 200, 200, 200),
    "account_inactive": everyone(200, "/accounts/inactive/"),
    "account_reauthenticate": logged_in_only("/accounts/reauthenticate/"),
    "account_email": logged_in_only("/accounts/email/"),
    "account_email_verification_sent": everyone(200, "/accounts/confirm-email/"),
    "account_confirm_email": everyone(200, "/accounts/confirm-email/not-a-real-key/"),
    "account_change_password": logged_in_only("/accounts/password/change/"),
    "account_set_password": logged_in_only("/accounts/password/set/", status=302),
    "account_reset_password": everyone(200, "/accounts/password/reset/"),
    "account_reset_password_done": everyone(200, "/accounts/password/reset/done/"),
    "account_reset_password_from_key": everyone(200, "/accounts/password/reset/key/1-set-x/"),
    "account_reset_password_from_key_done": everyone(200, "/accounts/password/reset/key/done/"),
    "account_confirm_login_code": Row("/accounts/login/code/confirm/", 302, 302, 302, 302),
    # The admin: staff only; the rest are sent to the (throttled) login.
    "admin:*": Row("/admin/", 302, 302, 302, 200),
}


def url_names(patterns=None, namespace: str = "") -> list[str]:
    names = []
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            if pattern.namespace == "admin":
                names.append("admin:*")
                continue
            names.extend(url_names(pattern.url_patterns, inner))
        elif isinstance(pattern, URLPattern):
            names.append(f"{namespace}{pattern.name or pattern.pattern}")
    return names


def test_every_url_pattern_has_a_row_in_the_matrix():
    missing = sorted(set(url_names()) - set(MATRIX))

    assert missing == [], f"add rows to MATRIX for: {missing}"


def test_the_matrix_has_no_rows_for_urls_that_are_gone():
    assert sorted(set(MATRIX) - set(url_names())) == []


@pytest.fixture
def world(db) -> dict:
    world = {
        "member": UserFactory(email="mitglied@spannwerk.example"),
        "other_member": UserFactory(email="mitglied@feinwerk.example"),
        "staff": StaffFactory(email="team@kag.example"),
    }
    # "member" owns a published company; "other_member" owns another one.
    world["company"] = CompanyFactory(published=True, name="Spannwerk GmbH", slug="spannwerk")
    world["other_company"] = CompanyFactory(published=True, name="Feinwerk GmbH", slug="feinwerk")
    world["membership"] = MembershipFactory(company=world["company"], user=world["member"])
    MembershipFactory(company=world["other_company"], user=world["other_member"])
    return world


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_permission(client, world, name, role):
    row = MATRIX[name]
    if role != "anonymous":
        client.force_login(world[role])
    path = row.path(world) if callable(row.path) else row.path

    response = client.get(path)

    expected = getattr(row, role)
    if expected == LOGIN:
        assert response.status_code == 302, f"{path} as {role}"
        assert response["Location"].startswith("/accounts/login/"), response["Location"]
    else:
        assert response.status_code == expected, f"{path} as {role}"


@pytest.mark.django_db
def test_the_data_export_holds_only_the_persons_own_data(client, world):
    client.force_login(world["member"])

    export = client.get("/me/export/").json()

    text = str(export)
    assert world["member"].email in text
    assert world["other_member"].email not in text
