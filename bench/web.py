"""`make bench-web`: the portal's pages under load against a bare Django project (issue 11).

Both run on this machine under gunicorn with 3 workers, the portal with its production settings,
on the same PostgreSQL database (kag_bench, built on first use, see bench.dataset) and Redis
(db 9 by default). Each round measures the bare template page and the bare directory page, then
every portal page, then the bare pages again; the table shows each page's median over the rounds
and its ratio to the bare page its target names. Then the live evening (bench.live), the workers'
memory and the invitation benchmark (bench.invitations, another module) if it is there.

    python -m bench.web [--rounds 3] [--duration 10] [--rebuild] [--no-mail] [--no-live]

Results are also written to var/bench-web.json.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from . import load

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
HOST = "bench.kag.test"
BARE_TEMPLATE, BARE_DIRECTORY = "bare-template", "bare-directory"


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    path: str  # "{evening}", "{story}", "{company}" are filled in from the data set
    who: str | None  # None: anonymous; "member", "attendee"
    reference: str | None  # the bare page of the target
    factor: float


PAGES = [
    Page("partners", "Meine Gesprächspartner", "/events/{evening}/my-partners/", "attendee",
         BARE_DIRECTORY, 2.0),
    Page("partners-poll", "  … its poll (state current)", "{poll}", "attendee", BARE_DIRECTORY,
         2.0),
    Page("me", "/me/", "/me/", "member", BARE_DIRECTORY, 1.0),
    Page("company", "company page", "/companies/{company}/", "member", BARE_DIRECTORY, 1.0),
    Page("companies", "/companies/", "/companies/", None, BARE_DIRECTORY, 1.0),
    Page("search", "/companies/?q=Spannzange", "/companies/?q=Spannzange", None, BARE_DIRECTORY,
         1.0),
    # A typo: the search as typed finds nothing, so "Meinten Sie: Spannzange?" and its results.
    Page("search-typo", "/companies/?q=Spanzange", "/companies/?q=Spanzange", None,
         BARE_DIRECTORY, 1.0),
    Page("search-filters", "search + filters",
         "/companies/?q=CNC&town=suhl&industry=C", None, BARE_DIRECTORY, 1.0),
    Page("home", "/", "/", None, BARE_TEMPLATE, 0.5),
    Page("events", "/events/", "/events/", None, BARE_TEMPLATE, 0.5),
    Page("event", "event page", "/events/{evening}/", None, BARE_TEMPLATE, 0.5),
    Page("stories", "/stories/", "/stories/", None, BARE_TEMPLATE, 0.5),
    Page("story", "story page", "/stories/{story}/", None, BARE_TEMPLATE, 0.5),
    Page("healthz", "/healthz", "/healthz", None, BARE_TEMPLATE, 0.5),
]  # fmt: skip
BARE_PAGES = [
    Page(BARE_TEMPLATE, "bare template (15 KB)", "/template/", None, None, 0),
    Page(BARE_DIRECTORY, "bare directory", "/directory/", None, None, 0),
]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.web",
        description="Load-test the portal's pages against a bare Django project (issue 11).",
    )
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument(
        "--duration", type=int, default=10, help="seconds of load per page and round (default 10)"
    )
    parser.add_argument(
        "--rebuild", action="store_true", help="build the data set again even if it is complete"
    )
    parser.add_argument("--no-mail", action="store_true", help="skip the invitation benchmark")
    parser.add_argument("--no-live", action="store_true", help="skip the live evening")
    parser.add_argument(
        "--live-seconds", type=int, default=60, help="length of the live evening (default 60)"
    )
    parser.add_argument(
        "--live-interval",
        type=float,
        default=5.0,
        help="seconds between a phone's polls (default 5, as on the day of the evening)",
    )
    parser.add_argument(
        "--only", default="", help="comma-separated page keys to measure (default: all)"
    )
    parser.add_argument(
        "--tool",
        choices=["auto", "wrk", "python"],
        default="auto",
        help="load generator: wrk if installed (default), or the Python one",
    )
    parser.add_argument("--connections", type=int, default=32, help="open connections (32)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers per site (3)")
    parser.add_argument(
        "--database",
        default=os.environ.get("BENCH_DATABASE", "kag_bench"),
        help="PostgreSQL database of the data set (kag_bench; dropped and rebuilt by --rebuild)",
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
        help="PostgreSQL server (default postgres://postgres@127.0.0.1:5432)",
    )
    parser.add_argument(
        "--redis",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9"),
        help="Redis for the portal's cache and broker; flushed at the start (default db 9)",
    )
    parser.add_argument(
        "--json", default=str(VAR / "bench-web.json"), help="where to write the results"
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="print what would be measured; touch nothing"
    )
    return parser.parse_args(argv)


def say(text: str = "") -> None:
    print(text, flush=True)


def loadavg() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(args: argparse.Namespace) -> dict[str, str]:
    """What kag_portal/settings.py needs with DJANGO_ENV=production (as .ci/run checks it)."""
    return {
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": f"{HOST},testserver",
        "SITE_URL": f"https://{HOST}",
        "REDIS_URL": args.redis,
        "DATABASE_URL": f"{args.postgres.rstrip('/')}/{args.database}",
        # Behind one TLS proxy: it says the scheme in X-Forwarded-Proto (we send it).
        "TRUSTED_PROXY_COUNT": "1",
        "STATIC_ROOT": str(VAR / "bench-static"),
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "kag_portal.settings",
    }


def base_headers() -> dict[str, str]:
    return {
        "Host": HOST,
        "X-Forwarded-Proto": "https",
        "X-Forwarded-For": "198.51.100.7",
        "Accept-Language": "de",
        "Accept": "text/html",
    }


# --- servers -------------------------------------------------------------------------------


class Server:
    def __init__(self, name: str, app: str, env: dict[str, str], workers: int) -> None:
        self.name, self.port = name, free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        VAR.mkdir(exist_ok=True)
        self.log = VAR / f"bench-gunicorn-{name}.log"
        command = [
            sys.executable, "-m", "gunicorn", app,
            "--workers", str(workers),
            "--bind", f"127.0.0.1:{self.port}",
            "--error-logfile", str(self.log),
        ]  # fmt: skip
        self.process = subprocess.Popen(  # noqa: S603 - our own arguments
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
        )

    def wait(self, path: str, headers: dict[str, str], timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn ({self.name}) stopped; see {self.log}")
            try:
                if load.request(self.base, path, headers).status < 500:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn ({self.name}) did not answer in {timeout:.0f} s")

    def workers(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in path.read_text().split()]
        except OSError:
            return []

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()


def rss_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def memory(server: Server) -> dict[int, int | None]:
    return {pid: rss_kb(pid) for pid in server.workers()}


def format_memory(values: dict[int, int | None]) -> str:
    return ", ".join(f"pid {pid}: {kb / 1024:.0f} MB" for pid, kb in values.items() if kb)


# --- the data set and the pages --------------------------------------------------------------


def prepare(args: argparse.Namespace):
    """Django set up with the portal's settings, the data set complete; the facts."""
    import django

    django.setup()
    from django.conf import settings

    from . import dataset

    url = settings.DATABASES["default"]
    fresh = args.rebuild or not dataset.database_exists(url)
    facts = None
    if not fresh:
        marker = dataset.read_marker()
        facts = dataset.Facts(**marker) if marker else None
    if facts is None:
        say(f"building the data set in database {url['NAME']} (a few minutes) …")
        from django.db import connections

        connections.close_all()
        dataset.recreate_database(url)
        facts = dataset.build(say)
    else:
        from django.core.management import call_command

        # Migrations added since the build (other work goes on) apply to the kept data set.
        call_command("migrate", interactive=False, verbosity=0)
        say(f"data set in database {url['NAME']}: complete, reused (--rebuild builds it again)")
    dataset.reset_evening(facts)
    return facts


def flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def collect_static(env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"collectstatic failed:\n{done.stderr[-2000:]}")


def cookies_for(server: Server, session_key: str, path: str) -> dict[str, str]:
    """A browser's cookies after its first page: the session and the CSRF cookie."""
    from .live import cookie_header

    cookies = {"sessionid": session_key}
    answer = load.request(server.base, path, {**base_headers(), "Cookie": cookie_header(cookies)})
    cookies.update(answer.cookies)
    return cookies


def query_counts(targets: dict[str, tuple[str, dict[str, str], dict[str, str]]]) -> dict:
    """Status and queries of one request per page, in-process with the test client (the second
    request: the caches are as warm as under load)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for key, (path, cookies, extra) in targets.items():
        client = Client(headers={**base_headers(), **extra, "Host": "testserver"})
        for name, value in cookies.items():
            client.cookies[name] = value
        client.get(path, secure=True)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, secure=True)
        counts[key] = {"status": response.status_code, "queries": len(queries)}
    return counts


def bare_query_counts(env: dict[str, str]) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "bench.bare_site.check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        say(f"bare site check failed: {done.stderr[-1000:]}")
        return {}


# --- the measurement ---------------------------------------------------------------------------


def measure(args, url: str, headers: dict[str, str]) -> load.Result:
    return load.run(
        url,
        headers,
        duration=args.duration,
        threads=args.threads,
        connections=args.connections,
        tool=args.tool,
    )


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def summarise(runs: dict[str, list[load.Result]], pages: list[Page]) -> list[dict]:
    rows = []
    bare = {
        key: median([r.rps for r in runs.get(key, [])]) for key in (BARE_TEMPLATE, BARE_DIRECTORY)
    }
    for page in BARE_PAGES + pages:
        results = runs.get(page.key, [])
        if not results:
            continue
        rps = median([r.rps for r in results])
        row = {
            "key": page.key,
            "page": page.label,
            "runs": len(results),
            "rps": round(rps, 1),
            # How far the rounds lay apart: a wide spread means a busy machine.
            "spread_pct": round(
                100 * (max(r.rps for r in results) - min(r.rps for r in results)) / rps
            )
            if rps
            else 0,
            "p50_ms": round(median([r.p50_ms for r in results]), 2),
            "p99_ms": round(median([r.p99_ms for r in results]), 2),
            "errors": sum(r.errors for r in results),
            "reference": page.reference,
            "target": page.factor,
        }
        if page.reference and bare.get(page.reference):
            ratio = rps / bare[page.reference]
            row["ratio"] = round(ratio, 2)
            row["verdict"] = "PASS" if ratio >= page.factor and not row["errors"] else "MISS"
        rows.append(row)
    return rows


def print_table(rows: list[dict], counts: dict) -> None:
    say()
    say(
        f"{'page':34} {'req/s':>8} {'±%':>4} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}"
        f" {'queries':>7} {'ratio':>6} {'target':>16} {'':4}"
    )
    say("-" * 109)
    for row in rows:
        queries = counts.get(row["key"], {}).get("queries", "")
        target = ""
        if row["reference"]:
            short = "dir" if row["reference"] == BARE_DIRECTORY else "tpl"
            target = f">= {row['target']:g}x bare {short}"
        ratio = f"{row['ratio']:.2f}" if "ratio" in row else ""
        say(
            f"{row['page'][:34]:34} {row['rps']:8.1f} {row['spread_pct']:4d}"
            f" {row['p50_ms']:8.2f} {row['p99_ms']:8.2f} {row['errors']:6d} {queries!s:>7}"
            f" {ratio:>6} {target:>16} {row.get('verdict', '')}"
        )
    say()


def run_invitations(clean_env: dict[str, str]) -> dict | None:
    if importlib.util.find_spec("bench.invitations") is None:
        say("invitation benchmark not available")
        return None
    say("invitation round (python -m bench.invitations --json) …")
    done = subprocess.run(
        [sys.executable, "-m", "bench.invitations", "--json"],
        cwd=ROOT,
        env=clean_env,
        capture_output=True,
        text=True,
        check=False,
    )
    result: dict = {"returncode": done.returncode, "lines": []}
    for line in done.stdout.splitlines():
        say(f"  {line}")
        result["lines"].append(line)
        if line.strip().startswith("{"):
            with contextlib.suppress(ValueError):
                result["result"] = json.loads(line)
    if done.returncode != 0:
        say(f"  invitation benchmark failed ({done.returncode}): {done.stderr[-1500:]}")
    return result


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    clean_env = dict(os.environ)
    pages = PAGES
    if args.only:
        wanted = set(args.only.split(","))
        pages = [page for page in PAGES if page.key in wanted]
    tool = "wrk" if args.tool == "wrk" or (args.tool == "auto" and load.have_wrk()) else "python"
    say(f"load average at start: {loadavg()}  ({os.cpu_count()} CPUs)")
    if not load.have_wrk():
        say(
            "wrk is not installed: using the Python load generator (slower, its own figures "
            "are lower). Install wrk with: sudo apt-get install wrk"
        )
    if args.dry_run:
        say(
            f"would measure with {tool}, -t{args.threads} -c{args.connections}, "
            f"{args.duration} s per run, {args.rounds} rounds, database {args.database}, "
            f"redis {args.redis}:"
        )
        for page in BARE_PAGES + pages:
            target = f"  >= {page.factor:g}x {page.reference}" if page.reference else ""
            say(f"  {page.key:16} {page.path}{target}")
        say(f"then the live evening ({args.live_seconds} s)" if not args.no_live else "")
        return 0

    env = {**clean_env, **production_env(args)}
    os.environ.update(env)
    started = time.monotonic()
    facts = prepare(args)
    from . import dataset

    flush_redis(args.redis)
    say("collecting static files for the production storage …")
    collect_static(env)
    emails = dataset.evening_emails(facts)
    sessions = dataset.sessions_for([facts.member_email, facts.staff_email, *emails])
    from django.db import connections

    connections.close_all()  # the servers get the database to themselves

    bare_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.bare_site.settings"}
    portal = Server("portal", "kag_portal.wsgi:application", env, args.workers)
    bare = Server("bare", "bench.bare_site.wsgi:application", bare_env, args.workers)
    results: dict = {"args": vars(args), "tool": tool}
    try:
        portal.wait("/healthz", base_headers())
        bare.wait("/template/", base_headers())
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        results["commit"] = commit + (" (+ uncommitted changes)" if dirty else "")
        say(f"portal {portal.base}, bare {bare.base}, commit {results['commit']}")

        # Browsers: the member and the attendee after their first page.
        browsers = {
            "member": cookies_for(portal, sessions[facts.member_email], "/me/"),
            "attendee": cookies_for(
                portal, sessions[facts.attendee_email], f"/events/{facts.evening_id}/my-partners/"
            ),
        }
        from .live import cookie_header, poll_path

        page = load.request(
            portal.base,
            f"/events/{facts.evening_id}/my-partners/",
            {**base_headers(), "Cookie": cookie_header(browsers["attendee"])},
        )
        poll = poll_path(page.body) or f"/events/{facts.evening_id}/my-partners/rounds/"
        fill = {
            "evening": facts.evening_id,
            "story": facts.story_id,
            "company": facts.member_company_slug,
            "poll": poll,
        }
        targets = {}
        for item in pages:
            path = item.path.format(**fill)
            headers = dict(base_headers())
            if item.key == "partners-poll":
                headers["HX-Request"] = "true"
            if item.who:
                headers["Cookie"] = cookie_header(browsers[item.who])
            targets[item.key] = (path, headers)

        counts = query_counts(
            {
                item.key: (
                    targets[item.key][0],
                    browsers[item.who] if item.who else {},
                    {"HX-Request": "true"} if item.key == "partners-poll" else {},
                )
                for item in pages
            }
        )
        counts.update(bare_query_counts(bare_env))
        connections.close_all()
        for key, (path, headers) in targets.items():
            answer = load.request(portal.base, path, headers)
            counts.setdefault(key, {})["http_status"] = answer.status
            if answer.status >= 400:
                say(f"  WARNING: {key} {path} answers {answer.status} under production settings")
        results["pages"] = {key: path for key, (path, _h) in targets.items()}
        results["queries"] = counts

        results["memory_before_kb"] = memory(portal)
        say(f"portal workers before the load: {format_memory(results['memory_before_kb'])}")
        runs: dict[str, list[load.Result]] = {}
        bare_targets = {p.key: (bare.base + p.path, base_headers()) for p in BARE_PAGES}
        order = [
            *bare_targets.items(),
            *((key, (portal.base + path, headers)) for key, (path, headers) in targets.items()),
            *bare_targets.items(),
        ]
        for number in range(1, args.rounds + 1):
            say(f"round {number}/{args.rounds} (load {loadavg()}) …")
            for key, (url, headers) in order:
                result = measure(args, url, headers)
                runs.setdefault(key, []).append(result)
                say(
                    f"  {key:16} {result.rps:8.1f} req/s  p50 {result.p50_ms:7.2f} ms  "
                    f"p99 {result.p99_ms:7.2f} ms  errors {result.errors}"
                )
        results["memory_after_kb"] = memory(portal)
        rows = summarise(runs, pages)
        results["table"] = rows
        results["runs"] = {key: [asdict(r) for r in values] for key, values in runs.items()}
        say(
            f"\nmedians of {args.rounds} rounds, {args.duration} s each, {tool} "
            f"-t{args.threads} -c{args.connections}, gunicorn -w {args.workers}, "
            f"commit {results['commit']}"
        )
        print_table(rows, counts)
        say(f"portal workers before the load: {format_memory(results['memory_before_kb'])}")
        say(f"portal workers after the load:  {format_memory(results['memory_after_kb'])}")

        if not args.no_live:
            results["live"] = live_evening(args, portal, facts, sessions, emails)
            results["memory_after_live_kb"] = memory(portal)
            say(
                f"portal workers after the live evening: "
                f"{format_memory(results['memory_after_live_kb'])}"
            )
    finally:
        portal.stop()
        bare.stop()

    if not args.no_mail:
        results["invitations"] = run_invitations(clean_env)
    results["load_average_end"] = loadavg()
    results["seconds"] = round(time.monotonic() - started)
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, default=str))
    say(f"results written to {out}")
    say(f"load average at end: {loadavg()}")
    return 0


def live_evening(args, portal: Server, facts, sessions: dict[str, str], emails: list[str]):
    from .live import LiveEvening

    dataset_reset(facts)
    evening = LiveEvening(
        base=portal.base,
        headers=base_headers(),
        event_id=facts.evening_id,
        attendee_sessions=[sessions[email] for email in emails],
        staff_session=sessions[facts.staff_email],
        interval=args.live_interval,
        duration=float(args.live_seconds),
        mark_at=min(15.0, args.live_seconds / 4),
        replan_at=min(30.0, args.live_seconds / 2),
        say=say,
    )
    summary = evening.run().summary()
    ok = (
        not summary["errors"]
        and summary["not_seen"] == 0
        and summary["seen_within_interval"] == summary["phones"]
        and (summary["poll_p99_ms"] or 0) < 1000
    )
    summary["verdict"] = "PASS" if ok else "MISS"
    say()
    say(
        f"live evening: {summary['phones']} phones, {summary['polls']} polls "
        f"({summary['poll_rate']}/s), p50 {summary['poll_p50_ms']} ms, "
        f"p99 {summary['poll_p99_ms']} ms (target < 1000 ms; outside the burst "
        f"{summary['poll_p99_outside_burst_ms']} ms); errors {summary['errors']}"
    )
    say(
        f"  burst of {summary['burst_pages']} full pages at the round start: "
        f"p50 {summary['burst_p50_ms']} ms, p99 {summary['burst_p99_ms']} ms"
    )
    say(
        f"  staff marked round {summary['marked_round']} (POST {summary['staff_mark_s']} s, "
        f"seat-plan page up to {summary['staff_page_s']} s) and re-planned "
        f"(POST {summary['staff_replan_s']} s)"
    )
    say(
        f"  phones showing the new round within {args.live_interval:g} s of the mark: "
        f"{summary['seen_within_interval']}/{summary['phones']} (latest after "
        f"{summary['seen_max_s']} s; never: {summary['not_seen']}; needed a second poll: "
        f"{summary['needed_second_poll']})  {summary['verdict']}"
    )
    for text in summary["staff_messages"]:
        say(f"  staff saw: {text}")
    if summary["error_examples"]:
        say(f"  errors, e.g.: {summary['error_examples']}")
    return summary


def dataset_reset(facts) -> None:
    from django.db import connections

    from . import dataset

    dataset.reset_evening(facts)
    connections.close_all()


if __name__ == "__main__":
    if shutil.which("git") is None:
        say("note: git not found; the commit measured is not recorded")
    sys.exit(main())
