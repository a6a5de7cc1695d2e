"""The invitation benchmark (issue 11): 2,000 invitations to a local SMTP sink, against a bare
Celery+SMTP pipeline measured in the same run.

    python -m bench.invitations [--json] [--mails 2000] [--rounds 3]

Its own PostgreSQL database (kag_bench_mail, created and migrated on first use, the people kept
between runs), Redis db 13 (BENCH_MAIL_REDIS_URL to change it), an SMTP sink in this process that
counts the mails per address, and two Celery workers with 2 processes each (as compose and CI run
it), both idle while the other one is measured:

- bare: a Celery app of two lines whose task sends one comparable mail (subject, text and HTML of
  an invitation's size) with Django's SMTP backend, a new connection per mail; the time from the
  first `.delay()` until the sink has every mail;
- portal: staff's invitation round to everyone (audience "all" of a new event, `start_round`),
  the time until the sink has every mail and the round says it is finished.

Rounds alternate (bare, portal, bare, portal …); the medians give the ratio, PASS at ≤ 1.5×.
Every round checks that each address got exactly one mail. With --json the last line is one JSON
object (bench.web reads it).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from celery import Celery

ROOT = Path(__file__).resolve().parent.parent
# BENCH_MAIL_DATABASE / BENCH_MAIL_REDIS_URL let two runs on one machine keep apart.
DATABASE_NAME = os.environ.get("BENCH_MAIL_DATABASE", "kag_bench_mail")
if not DATABASE_NAME.isidentifier():
    raise SystemExit(f"BENCH_MAIL_DATABASE must be a plain name, not {DATABASE_NAME!r}")
TARGET_RATIO = 1.5
BARE_QUEUE = "bench-bare-mail"
PEOPLE_DOMAIN = "people.bench.example"
BARE_DOMAIN = "bare.bench.example"

# --- the bare pipeline: a Celery app and one task per mail ----------------------------------------

bare_app = Celery("bench_bare_mail")
bare_app.conf.update(
    broker_url=os.environ.get("BENCH_MAIL_REDIS_URL", "redis://127.0.0.1:6379/13"),
    task_default_queue=BARE_QUEUE,
    task_ignore_result=True,
    task_acks_late=True,
    worker_prefetch_multiplier=1,
    accept_content=["json"],
    task_serializer="json",
    broker_connection_retry_on_startup=True,
)


def _bare_django() -> None:
    from django.conf import settings

    if not settings.configured:
        settings.configure(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=int(os.environ["BENCH_SINK_PORT"]),
            DEFAULT_FROM_EMAIL="bench@bare.example",
        )


@bare_app.task(name="bench_bare_send", acks_late=True, ignore_result=True)
def bare_send(to: str, subject: str, text: str, html: str) -> None:
    _bare_django()
    from django.core.mail import EmailMultiAlternatives

    message = EmailMultiAlternatives(subject=subject, body=text, to=[to])
    message.attach_alternative(html, "text/html")
    message.send()  # Django's SMTP backend: a new connection for this one mail


# --- the SMTP sink --------------------------------------------------------------------------------


class CountingHandler:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.received: Counter[str] = Counter()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            for address in envelope.rcpt_tos:
                self.received[address.lower()] += 1
        return "250 OK"

    def reset(self) -> None:
        with self.lock:
            self.received.clear()

    def snapshot(self) -> Counter[str]:
        with self.lock:
            return Counter(self.received)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- processes ------------------------------------------------------------------------------------


class Worker:
    def __init__(self, name: str, args: list[str], env: dict[str, str]) -> None:
        self.name = name
        self.log = tempfile.NamedTemporaryFile(prefix=f"bench-mail-{name}-", suffix=".log")  # noqa: SIM115
        self.process = subprocess.Popen(  # noqa: S603 - our own arguments
            [sys.executable, "-m", "celery", *args, "--loglevel=warning"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, app: Celery, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"the {self.name} worker ended:\n{self.output()}")
            if any(self.name in host for reply in app.control.ping(timeout=0.5) for host in reply):
                return
        raise SystemExit(f"the {self.name} worker did not start:\n{self.output()}")

    def output(self) -> str:
        return Path(self.log.name).read_text(encoding="utf-8", errors="replace")[-4000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
        self.log.close()


def worker_args(app: str, name: str, queue: str) -> list[str]:
    return [
        *("-A", app, "worker", "-Q", queue, "-n", f"{name}@%h"),
        *("--concurrency=2", "--pool=prefork", "--without-gossip", "--without-mingle"),
    ]


def ensure_database(env: dict[str, str]) -> None:
    exists = subprocess.run(  # noqa: S603 - our own arguments
        [
            *("psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-tAc"),
            f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}'",  # noqa: S608 - a constant
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if exists != "1":
        subprocess.run(  # noqa: S603 - our own arguments
            ["createdb", "-h", "127.0.0.1", "-U", "postgres", DATABASE_NAME],  # noqa: S607
            check=True,
        )
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


# --- data -----------------------------------------------------------------------------------------


def ensure_people(mails: int):
    """`mails` people in `mails / 2` published companies (two members each); a staff member."""
    from companies.models import Company, Membership
    from kag_portal.models import User
    from tests.factories import CompanyFactory, TownFactory, UserFactory

    staff = User.objects.filter(email="staff@bench.example").first()
    if staff is None:
        staff = UserFactory(email="staff@bench.example", is_staff=True)
    people = User.objects.filter(email__endswith=f"@{PEOPLE_DOMAIN}")
    if (
        people.count() == mails
        and Company.objects.filter(status=Company.Status.PUBLISHED).count() * 2 == mails
    ):
        return staff
    # Another --mails than last time: start the region again.
    Membership.objects.all().delete()
    Company.objects.all().delete()
    people.delete()
    town = TownFactory()
    companies = Company.objects.bulk_create(
        [CompanyFactory.build(published=True, town=town) for _ in range(mails // 2)]
    )
    template = UserFactory.build()
    users = User.objects.bulk_create(
        [
            User(
                email=f"person{n}@{PEOPLE_DOMAIN}",
                display_name=f"Person {n}",
                preferred_language="en" if n % 4 == 0 else "de",
                password=template.password,
            )
            for n in range(mails)
        ]
    )
    Membership.objects.bulk_create(
        [
            Membership(company=companies[n // 2], user=user, role=Membership.Role.OWNER)
            for n, user in enumerate(users)
        ]
    )
    return staff


def comparable_mail() -> tuple[str, str, str]:
    """The size of a real invitation: rendered once from the portal's own template."""
    from events.services.invitations import preview
    from tests.factories import EventFactory

    event = EventFactory.build(pk=1)
    subject, text = preview(event=event, language="de", sample_name="Person 1")
    html = "<html><body>" + "".join(f"<p>{line}</p>" for line in text.splitlines()) + "</body>"
    return subject, text, html


# --- one round each -------------------------------------------------------------------------------


def wait_for_mails(sink: CountingHandler, expected: set[str], started: float, limit: float):
    while True:
        received = sink.snapshot()
        if expected <= set(received):
            return time.perf_counter() - started
        if time.perf_counter() - started > limit:
            missing = len(expected - set(received))
            raise SystemExit(f"timed out after {limit:.0f}s: {missing} mails missing")
        time.sleep(0.02)


def check_exactly_once(sink: CountingHandler, expected: set[str]) -> tuple[int, int]:
    """(duplicates, missing) once the workers have been quiet for a moment."""
    time.sleep(1.0)
    received = sink.snapshot()
    duplicates = sum(count - 1 for address, count in received.items() if count > 1)
    missing = len(expected - set(received))
    stray = set(received) - expected
    return duplicates + len(stray), missing


def bare_round(sink: CountingHandler, mails: int, mail: tuple[str, str, str]) -> dict:
    sink.reset()
    expected = {f"bare{n}@{BARE_DOMAIN}" for n in range(mails)}
    subject, text, html = mail
    started = time.perf_counter()
    for n in range(mails):
        bare_send.delay(f"bare{n}@{BARE_DOMAIN}", subject, text, html)
    seconds = wait_for_mails(sink, expected, started, limit=300)
    duplicates, missing = check_exactly_once(sink, expected)
    return {"seconds": seconds, "duplicates": duplicates, "missing": missing}


def portal_round(sink: CountingHandler, mails: int, staff, number: int) -> dict:
    from datetime import timedelta

    from django.utils import timezone

    from events.models import Event, InvitationRound
    from events.services.invitation_rounds import progress, start_round
    from events.services.invitations import recipients
    from tests.factories import EventFactory

    sink.reset()
    starts = timezone.now() + timedelta(days=30)
    event = EventFactory(
        title=f"Bench evening {number}",
        status=Event.Status.PUBLISHED,
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        registration_deadline=starts - timedelta(days=1),
    )
    audience = {"kind": "all"}
    planned = len(recipients(audience, event=event))  # what staff's preview shows
    expected = {f"person{n}@{PEOPLE_DOMAIN}" for n in range(mails)}
    started = time.perf_counter()
    round_ = start_round(event=event, audience=audience, planned_count=planned, by=staff)
    wait_for_mails(sink, expected, started, limit=600)
    while True:
        round_.refresh_from_db()
        if round_.is_finished:
            break
        if time.perf_counter() - started > 600:
            raise SystemExit(f"the round stayed {round_.status}")
        time.sleep(0.02)
    seconds = time.perf_counter() - started
    duplicates, missing = check_exactly_once(sink, expected)
    # Staff's progress counts what the outbox says: every mail sent, once its row says so.
    deadline = time.monotonic() + 30
    while True:
        (figures,) = progress([InvitationRound.objects.get(pk=round_.pk)])
        if figures.is_complete or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    return {
        "seconds": seconds,
        "duplicates": duplicates,
        "missing": missing,
        "status": round_.status,
        "progress_sent": figures.sent,
        "progress_total": figures.total,
        "progress_complete": figures.is_complete,
    }


# --- main -----------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.invitations", description=__doc__)
    parser.add_argument("--json", action="store_true", help="end with one line of JSON")
    parser.add_argument("--mails", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from aiosmtpd.controller import Controller

    sink = CountingHandler()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()

    redis_url = bare_app.conf.broker_url
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kag_portal.settings",
        "DJANGO_ENV": "development",
        "DEBUG": "false",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE_NAME}",
        "REDIS_URL": redis_url,
        "EMAIL_URL": f"smtp://127.0.0.1:{port}",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "BENCH_SINK_PORT": str(port),
        "BENCH_MAIL_REDIS_URL": redis_url,
    }
    os.environ.update(env)
    ensure_database(env)

    import django

    django.setup()
    # aiosmtpd logs every SMTP command at INFO; thousands of lines would hide the result.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    from kag_portal.celery import app as portal_app

    # Nothing left over from an earlier run (db 13 is this benchmark's own).
    bare_app.connection_for_write().default_channel.client.flushdb()

    staff = ensure_people(args.mails)
    mail = comparable_mail()
    # The bare worker knows nothing of the portal: no settings module, so Celery's Django fixup
    # stays off and _bare_django() configures the SMTP backend alone.
    bare_env = {k: v for k, v in env.items() if k != "DJANGO_SETTINGS_MODULE"}
    workers = [
        Worker("bare", worker_args("bench.invitations:bare_app", "bare", BARE_QUEUE), bare_env),
        Worker("portal", worker_args("kag_portal", "portal", "celery"), env),
    ]
    bare: list[dict] = []
    portal: list[dict] = []
    try:
        workers[0].wait_ready(bare_app)
        workers[1].wait_ready(portal_app)
        for number in range(1, args.rounds + 1):
            bare.append(bare_round(sink, args.mails, mail))
            print(
                f"round {number}: bare   {bare[-1]['seconds']:6.1f} s "
                f"({args.mails / bare[-1]['seconds']:.0f} mails/s)",
                flush=True,
            )
            portal.append(portal_round(sink, args.mails, staff, number))
            print(
                f"round {number}: portal {portal[-1]['seconds']:6.1f} s "
                f"({args.mails / portal[-1]['seconds']:.0f} mails/s)",
                flush=True,
            )
    finally:
        for worker in workers:
            worker.stop()
        controller.stop()

    bare_s = statistics.median(r["seconds"] for r in bare)
    portal_s = statistics.median(r["seconds"] for r in portal)
    ratio = portal_s / bare_s
    duplicates = sum(r["duplicates"] for r in bare + portal)
    missing = sum(r["missing"] for r in bare + portal)
    progress_true = all(r["progress_complete"] and r["progress_sent"] == args.mails for r in portal)
    passed = ratio <= TARGET_RATIO and not duplicates and not missing and progress_true
    print(f"bare pipeline:     {bare_s:6.1f} s  {args.mails / bare_s:6.0f} mails/s (median)")
    print(f"invitation round:  {portal_s:6.1f} s  {args.mails / portal_s:6.0f} mails/s (median)")
    print(
        f"ratio {ratio:.2f} (target ≤ {TARGET_RATIO}), duplicates {duplicates}, "
        f"missing {missing}, staff progress true: {progress_true} → "
        f"{'PASS' if passed else 'MISS'}"
    )
    if args.json:
        print(
            json.dumps(
                {
                    "mails": args.mails,
                    "rounds": args.rounds,
                    "bare_seconds": round(bare_s, 2),
                    "portal_seconds": round(portal_s, 2),
                    "bare_mails_per_second": round(args.mails / bare_s, 1),
                    "portal_mails_per_second": round(args.mails / portal_s, 1),
                    "ratio": round(ratio, 3),
                    "target": TARGET_RATIO,
                    "duplicates": duplicates,
                    "missing": missing,
                    "progress_true": progress_true,
                    "passed": passed,
                    "bare_rounds": bare,
                    "portal_rounds": portal,
                }
            )
        )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
