"""No staff member short of a superuser can act as another account.

Played as the attack was found: an anonymous visitor asks for a password reset for the superuser
(and a newcomer signs up, so an address-confirmation link exists too); a KAG-Team member then
reads every admin and staff page they can reach, including the outgoing mail. No page may hold a
key that works, and the reset link still works for its owner, so the test proves the key was live
while the staff member looked.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command

from kag_portal.mail import remove_mail_bodies
from kag_portal.models import OutboxMail, User

pytestmark = pytest.mark.django_db

SUPERUSER = "chefin@kag-verwaltung.example"
NEWCOMER = "neu@drehteile-suhl.example"
# Pages that change state on GET or end the session; everything else a staff member can reach is
# read, the outgoing mail first; the crawl stops after MAX_PAGES.
SKIP = re.compile(r"/(logout|delete|password/change)/|/admin/logout/|\.(ics|csv|png|svg|jpg)$")
MAX_PAGES = 800
LINK = re.compile(r'(?:href|data-hx-get|action)="([^"#]+)')


@pytest.fixture
def region(client):
    call_command("seed_demo", verbosity=0)
    User.objects.create_superuser(email=SUPERUSER, password="alt-und-sicher-2026")
    team = User.objects.get(email="team@kag-demo.de")
    assert team.is_staff
    assert not team.is_superuser
    assert team.groups.filter(name="KAG-Team").exists()
    return team


def links_in(mail_body: str) -> list[str]:
    return re.findall(r"https?://[^\s\"'<>]+", mail_body)


def the_keys_mailed_to(address: str) -> list[str]:
    """The path parts of every link mailed to `address` that act for its owner."""
    keys = []
    for message in mail.outbox:
        if address in message.to:
            for link in links_in(message.body):
                path = urlsplit(link).path
                if "/accounts/" in path or "/unsubscribe/" in path:
                    keys.append(path.rstrip("/").rsplit("/", 1)[-1])
    return keys


def crawl_as(client, start: list[str]) -> dict[str, str]:
    """Every page reachable by GET from `start`, as the logged-in client sees it."""
    seen: dict[str, str] = {}
    queue = list(start)
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen or SKIP.search(url):
            continue
        response = client.get(url)
        # Downloads (exports) are read too.
        body = b"".join(response.streaming_content) if response.streaming else response.content
        seen[url] = body.decode(errors="replace") if response.status_code == 200 else ""
        for found in LINK.findall(seen[url]):
            target = urljoin(url, found.replace("&amp;", "&"))
            parts = urlsplit(target)
            if parts.netloc not in ("", "testserver"):
                continue
            # Filters and sort orders show the same rows again: one visit per page.
            target = parts.path
            if target.startswith(("/admin/", "/staff/")) and target not in seen:
                queue.append(target)
    return seen


def test_a_kag_team_member_finds_no_working_key_on_any_page(
    client, region, django_capture_on_commit_callbacks, capsys, caplog
):
    caplog.set_level(logging.DEBUG)
    team = region
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": SUPERUSER})
        client.post(
            "/accounts/signup/",
            {
                "email": NEWCOMER,
                "display_name": "Nora Neumann",
                "password1": "Spindel-Kugel-7431",
                "password2": "Spindel-Kugel-7431",
            },
        )
    reset_keys = the_keys_mailed_to(SUPERUSER)
    confirmation_keys = the_keys_mailed_to(NEWCOMER)
    # the mails went out, with their links
    assert reset_keys
    assert confirmation_keys
    assert OutboxMail.objects.filter(to_email=SUPERUSER, carries_secret=True).exists()
    client.logout()

    client.force_login(team)
    pages = crawl_as(
        client,
        [
            f"/admin/kag_portal/outboxmail/?q={SUPERUSER}",
            f"/admin/kag_portal/outboxmail/?q={NEWCOMER}",
            "/admin/",
            "/staff/events/",
            "/staff/companies/",
            "/staff/impact/",
            "/staff/stories/",
            "/staff/newsletter/",
        ],
    )

    outbox_pages = [url for url in pages if url.startswith("/admin/kag_portal/outboxmail/")]
    assert len(outbox_pages) >= 3  # the list and the mails' own pages were read
    assert len(pages) > 50
    for url, html in pages.items():
        for key in reset_keys + confirmation_keys:
            assert key not in html, f"{url} shows a key mailed to someone else"
    for key in reset_keys + confirmation_keys:
        assert key not in caplog.text  # nor does any log line
    with capsys.disabled():
        print(f"\n{len(pages)} staff and admin pages read, {len(outbox_pages)} of the outbox")
    # The team member cannot give themselves rights or change another account.
    assert client.get("/admin/auth/group/").status_code == 403
    superuser = User.objects.get(email=SUPERUSER)
    assert client.get(f"/admin/kag_portal/user/{superuser.pk}/password/").status_code == 403
    client.logout()

    # The key was live all along: its owner can still use it.
    reset_link = next(
        link
        for message in mail.outbox
        if SUPERUSER in message.to
        for link in links_in(message.body)
        if "/password/reset/key/" in link
    )
    response = client.get(urlsplit(reset_link).path, follow=True)
    assert response.status_code == 200
    assert b'name="password1"' in response.content


def test_a_mail_that_carries_a_key_keeps_no_body_once_sent(
    client, region, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": SUPERUSER})
    reset = OutboxMail.objects.get(to_email=SUPERUSER)
    assert reset.status == OutboxMail.Status.SENT
    assert reset.carries_secret

    remove_mail_bodies()

    reset.refresh_from_db()
    assert reset.body_text == ""
    assert reset.body_html == ""
    assert reset.body_removed_at is not None
    for key in the_keys_mailed_to(SUPERUSER):
        assert key not in str(OutboxMail.objects.filter(pk=reset.pk).values().get())


def test_the_team_group_holds_no_right_over_accounts_or_groups():
    rights = set(Group.objects.get(name="KAG-Team").permissions.values_list("codename", flat=True))

    assert not rights & {"change_user", "add_user", "delete_user", "change_group", "add_group"}
    assert not rights & {"change_emailaddress", "add_emailaddress", "view_emailconfirmation"}
