"""The weekly digest: opt-in, at most one a week, only what matches, one click to unsubscribe."""

from __future__ import annotations

import datetime
import threading
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from companies.models import Company, DigestSubscription, HelpRequest
from companies.services import digest, help_requests
from companies.tasks import send_weekly_digests
from kag_portal import mail
from kag_portal.models import MailOptOut, MailTopic, OutboxMail
from tests.factories import CompanyFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
# A Wednesday morning in ISO week 11 of 2026.
NOW = datetime.datetime(2026, 3, 11, 9, 0, tzinfo=BERLIN)


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def member_of(company, **user):
    fields = {f"user__{name}": value for name, value in user.items()}
    return MembershipFactory(company=company, user__preferred_language="en", **fields).user


def post(company, title: str, tags: list[str], *, days_ago: float = 1, author=None):
    """A request posted `days_ago` days before NOW."""
    help_request = help_requests.post_request(
        company=company,
        author=author or member_of(company),
        title=title,
        description="x",
        tag_labels=tags,
    )
    HelpRequest.objects.filter(pk=help_request.pk).update(
        created_at=NOW - datetime.timedelta(days=days_ago)
    )
    return help_request


@pytest.fixture
def feinwerk():
    return CompanyFactory(published=True, name="Feinwerk Suhl GmbH", needs=["Spannzangen"])


@pytest.fixture
def spannwerk():
    return CompanyFactory(
        published=True, name="Spannwerk Zella-Mehlis", offers=["Spannzangen", "Härten"]
    )


@pytest.fixture
def bernd(spannwerk):
    """Subscribed member of the company that offers collets."""
    user = member_of(spannwerk, email="bernd@spannwerk.example")
    digest.subscribe(user=user)
    return user


def digests() -> list[OutboxMail]:
    return list(OutboxMail.objects.filter(template="digest").order_by("to_email"))


# --- Content --------------------------------------------------------------------------------


def test_a_subscriber_gets_the_new_requests_that_match_the_companys_offers(
    feinwerk, spannwerk, bernd
):
    collets = post(feinwerk, "Mitlaufende Sonder-Spannzangen", ["Spann-Zange", "Kleinserie"])
    hardening = post(feinwerk, "Härterei gesucht", ["Härten"], days_ago=3)

    sent = digest.send_weekly_digests(now=NOW)

    [mail_] = digests()
    assert sent == 1
    assert mail_.to_email == "bernd@spannwerk.example"
    assert mail_.topic == MailTopic.DIGEST
    assert mail_.idempotency_key == f"digest:{bernd.pk}:2026-W11"
    assert mail_.subject == "2 new requests match your offers"
    for body in [mail_.body_text, mail_.body_html]:
        assert "Mitlaufende Sonder-Spannzangen" in body
        assert "Härterei gesucht" in body
        assert "Feinwerk Suhl GmbH" in body
        assert f"/help-requests/{collets.pk}/" in body
        assert f"/help-requests/{hardening.pk}/" in body
        assert "/unsubscribe/" in body
    assert "Matches: Spannzangen" in mail_.body_text
    # Newest first.
    assert mail_.body_text.index("Sonder-Spannzangen") < mail_.body_text.index("Härterei")


def test_the_digest_carries_the_one_click_unsubscribe_header(feinwerk, bernd):
    post(feinwerk, "Spannzangen", ["Spannzangen"])

    digest.send_weekly_digests(now=NOW)

    [mail_] = digests()
    assert mail_.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail_.headers["List-Unsubscribe"].startswith("<http")
    email, topic = mail.read_unsubscribe_token(
        mail_.headers["List-Unsubscribe"].rstrip("/>").rsplit("/", 1)[-1]
    )
    assert (email, topic) == (bernd.email, MailTopic.DIGEST)


def test_the_digest_leaves_out_what_does_not_belong_in_it(feinwerk, spannwerk, bernd):
    post(feinwerk, "Passt", ["Spannzangen"])
    post(feinwerk, "Zu alt", ["Spannzangen"], days_ago=8)
    post(feinwerk, "Anderes Thema", ["Glas"])
    closed = post(feinwerk, "Schon erledigt", ["Spannzangen"])
    HelpRequest.objects.filter(pk=closed.pk).update(status=HelpRequest.Status.CLOSED)
    post(spannwerk, "Eigene Anfrage", ["Spannzangen"])
    hidden = CompanyFactory(published=True)
    post(hidden, "Versteckte Firma", ["Spannzangen"])
    Company.objects.filter(pk=hidden.pk).update(status=Company.Status.HIDDEN)

    digest.send_weekly_digests(now=NOW)

    [mail_] = digests()
    assert "Passt" in mail_.body_text
    for title in ["Zu alt", "Anderes Thema", "Schon erledigt", "Eigene Anfrage", "Versteckte"]:
        assert title not in mail_.body_text


def test_the_offers_of_all_the_persons_companies_count(feinwerk, bernd):
    glassworks = CompanyFactory(published=True, offers=["Glas"])
    MembershipFactory(company=glassworks, user=bernd)
    post(feinwerk, "Glasbehälter", ["Glas"])

    digest.send_weekly_digests(now=NOW)

    assert "Glasbehälter" in digests()[0].body_text


def test_no_digest_when_nothing_matches(feinwerk, bernd):
    post(feinwerk, "Glas", ["Glas"])

    assert digest.send_weekly_digests(now=NOW) == 0
    assert digests() == []
    assert DigestSubscription.objects.get(user=bernd).last_sent_at is None


def test_a_long_digest_shows_twenty_and_says_how_many_more(feinwerk, bernd):
    for n in range(23):
        post(feinwerk, f"Anfrage Nummer {n}", ["Spannzangen"], days_ago=1 + n / 100)

    digest.send_weekly_digests(now=NOW)

    [mail_] = digests()
    assert mail_.subject == "23 new requests match your offers"
    assert mail_.body_text.count("Anfrage Nummer") == 20
    assert "And 3 more requests." in mail_.body_text


# --- Who gets one -------------------------------------------------------------------------------


def test_nobody_gets_a_digest_without_asking_for_it(feinwerk, spannwerk):
    member_of(spannwerk)
    post(feinwerk, "Spannzangen", ["Spannzangen"])

    assert digest.send_weekly_digests(now=NOW) == 0


def test_a_subscriber_without_a_company_gets_none(feinwerk):
    digest.subscribe(user=UserFactory())
    post(feinwerk, "Spannzangen", ["Spannzangen"])

    assert digest.send_weekly_digests(now=NOW) == 0


def test_an_address_that_unsubscribed_by_link_gets_none(feinwerk, bernd):
    mail.unsubscribe(email=bernd.email.upper(), topic=MailTopic.DIGEST)
    post(feinwerk, "Spannzangen", ["Spannzangen"])

    assert digest.send_weekly_digests(now=NOW) == 0
    assert digests() == []


def test_an_inactive_person_gets_none(feinwerk, bernd):
    bernd.is_active = False
    bernd.save()
    post(feinwerk, "Spannzangen", ["Spannzangen"])

    assert digest.send_weekly_digests(now=NOW) == 0


# --- At most one a week -------------------------------------------------------------------------


def test_at_most_one_digest_per_week_however_often_the_task_runs(feinwerk, bernd):
    post(feinwerk, "Erste", ["Spannzangen"])
    digest.send_weekly_digests(now=NOW)
    post(feinwerk, "Zweite", ["Spannzangen"])

    later_that_week = [NOW + datetime.timedelta(hours=h) for h in (1, 30, 80)]  # … Sunday
    assert [digest.send_weekly_digests(now=t) for t in later_that_week] == [0, 0, 0]
    assert len(digests()) == 1
    assert DigestSubscription.objects.get(user=bernd).last_sent_at == NOW


def test_the_next_week_brings_the_next_digest(feinwerk, bernd):
    post(feinwerk, "Erste", ["Spannzangen"])
    digest.send_weekly_digests(now=NOW)
    next_monday = datetime.datetime(2026, 3, 16, 7, 5, tzinfo=BERLIN)
    second = post(feinwerk, "Zweite", ["Spannzangen"])
    HelpRequest.objects.filter(pk=second.pk).update(
        created_at=next_monday - datetime.timedelta(hours=2)
    )

    assert digest.send_weekly_digests(now=next_monday) == 1

    keys = sorted(m.idempotency_key for m in digests())
    assert keys == [f"digest:{bernd.pk}:2026-W11", f"digest:{bernd.pk}:2026-W12"]


def test_running_again_after_the_mail_was_recorded_but_not_marked_is_a_no_op(feinwerk, bernd):
    """A run that died after recording the mail, before setting last_sent_at."""
    post(feinwerk, "Spannzangen", ["Spannzangen"])
    digest.send_weekly_digests(now=NOW)
    DigestSubscription.objects.update(last_sent_at=None)

    assert digest.send_weekly_digests(now=NOW) == 0
    assert len(digests()) == 1


def test_no_digest_goes_out_before_seven_in_the_morning(feinwerk, bernd):
    post(feinwerk, "Spannzangen", ["Spannzangen"], days_ago=0.1)
    night = datetime.datetime(2026, 3, 11, 6, 59, tzinfo=BERLIN)

    assert digest.send_weekly_digests(now=night) == 0


def test_the_periodic_task_sends_the_digest(feinwerk, bernd, monkeypatch):
    post(feinwerk, "Spannzangen", ["Spannzangen"])
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)

    send_weekly_digests.delay()

    assert len(digests()) == 1


def test_the_whole_run_for_50_subscribers_reads_in_a_fixed_number_of_queries(feinwerk):
    """Reading is fixed; each digest then costs what queue_mail needs to record one row."""
    tags = ["Spannzangen", "Härten", "Fräsen", "Glas", "Laser"]
    for n in range(50):
        company = CompanyFactory(published=True, offers=[tags[n % 5]])
        digest.subscribe(user=member_of(company))
    for n in range(30):
        post(feinwerk, f"Anfrage {n}", [tags[n % 5], "Kleinserie"], author=None)

    with CaptureQueriesContext(connection) as run:
        assert digest.send_weekly_digests(now=NOW) == 50
    with CaptureQueriesContext(connection) as again:
        assert digest.send_weekly_digests(now=NOW + datetime.timedelta(hours=1)) == 0

    reads = [q for q in run.captured_queries if not _is_recording(q["sql"])]
    assert len(reads) <= 8, "\n".join(q["sql"][:120] for q in reads)
    # queue_mail per digest: its key lookup and opt-out check, get_or_create's select and
    # insert, and four savepoint statements.
    assert len(run.captured_queries) <= 8 + 8 * 50
    assert len(again.captured_queries) <= 2
    assert len(digests()) == 50


def _is_recording(sql: str) -> bool:
    """Queries that queue_mail issues for one mail (its own reads and the insert)."""
    return (
        ("kag_portal_outboxmail" in sql and "IN (" not in sql)
        or ("kag_portal_mailoptout" in sql and "IN (" not in sql)
        or sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT"))
    )


# --- The toggle on /help-requests/ ----------------------------------------------------------------


def test_a_member_switches_the_weekly_digest_on_and_off_on_the_board(client, spannwerk):
    user = member_of(spannwerk)
    client.force_login(user)

    offered = client.get("/help-requests/").content.decode()
    on = client.post("/help-requests/digest/subscribe/")
    shown_on = client.get("/help-requests/").content.decode()
    subscribed = DigestSubscription.objects.filter(user=user).exists()
    off = client.post("/help-requests/digest/unsubscribe/")

    assert "Get the weekly e-mail" in offered
    assert on.status_code == 302
    assert on["Location"] == "/help-requests/"
    assert subscribed
    assert "Stop the weekly e-mail" in shown_on
    assert off.status_code == 302
    assert not DigestSubscription.objects.filter(user=user).exists()


def test_switching_it_on_again_lifts_an_earlier_one_click_unsubscribe(client, bernd):
    mail.unsubscribe(email=bernd.email, topic=MailTopic.DIGEST)
    client.force_login(bernd)

    before = client.get("/help-requests/").content.decode()
    client.post("/help-requests/digest/subscribe/")

    assert "Get the weekly e-mail" in before
    assert not MailOptOut.objects.filter(email=bernd.email).exists()


def test_the_toggle_is_only_for_members_of_a_company(client):
    person = UserFactory(preferred_language="en")
    client.force_login(person)

    page = client.get("/help-requests/").content.decode()
    response = client.post("/help-requests/digest/subscribe/")

    assert "weekly e-mail" not in page
    assert response.status_code == 302
    assert not DigestSubscription.objects.exists()


def test_the_toggle_needs_a_login_and_a_post(client, bernd):
    assert client.post("/help-requests/digest/subscribe/")["Location"].startswith(
        "/accounts/login/"
    )
    client.force_login(bernd)
    assert client.get("/help-requests/digest/subscribe/").status_code == 405
    assert client.get("/help-requests/digest/unsubscribe/").status_code == 405


# --- Two workers at once (PostgreSQL) -----------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_running_the_digest_at_once_send_each_person_one():
    feinwerk = CompanyFactory(published=True)
    post(feinwerk, "Spannzangen", ["Spannzangen"])
    for _ in range(10):
        digest.subscribe(user=member_of(CompanyFactory(published=True, offers=["Spannzangen"])))
    barrier = threading.Barrier(2)
    results: list[int] = []
    errors: list[Exception] = []

    def worker() -> None:
        try:
            barrier.wait()
            results.append(digest.send_weekly_digests(now=NOW))
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    assert OutboxMail.objects.filter(template="digest").count() == 10
    assert len({m.to_email for m in OutboxMail.objects.filter(template="digest")}) == 10
    assert sum(results) >= 10
