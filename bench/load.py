"""Load generators: wrk when installed (`apt-get install wrk`), else a small Python one.

Both give requests per second, p50/p99 latency and the number of failed requests (status 400 and
up, or a socket error) for one URL over a fixed time.
"""

from __future__ import annotations

import http.client
import re
import shutil
import statistics
import subprocess
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class Result:
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    tool: str
    statuses: dict[int, int] = field(default_factory=dict)


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    cookies: dict[str, str]
    body: bytes
    seconds: float


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def request(
    base: str, path: str, headers: dict[str, str], *, method: str = "GET", body: bytes = b""
) -> Response:
    """One request on a fresh connection (gunicorn's sync workers close after each answer)."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    started = time.perf_counter()
    try:
        connection.request(method, path, body=body or None, headers=headers)
        answer = connection.getresponse()
        data = answer.read()
    finally:
        connection.close()
    cookies = {}
    for name, value in answer.getheaders():
        if name.lower() == "set-cookie":
            cookie = value.split(";", 1)[0]
            key, _, val = cookie.partition("=")
            cookies[key.strip()] = val.strip()
    return Response(
        status=answer.status,
        headers={name.lower(): value for name, value in answer.getheaders()},
        cookies=cookies,
        body=data,
        seconds=time.perf_counter() - started,
    )


def have_wrk() -> bool:
    return shutil.which("wrk") is not None


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(f"cannot read wrk latency {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def parse_wrk(output: str) -> Result:
    """The figures of `wrk --latency` output."""
    p50 = re.search(r"^\s*50%\s+(\S+)", output, re.M)
    p99 = re.search(r"^\s*99%\s+(\S+)", output, re.M)
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    total = re.search(r"^\s*(\d+) requests in", output, re.M)
    if not (p50 and p99 and rps and total):
        raise ValueError(f"cannot read wrk output:\n{output}")
    errors = 0
    non_ok = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if non_ok:
        errors += int(non_ok.group(1))
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if sockets:
        # A read error is a closed keep-alive connection (the sync worker closes each one); wrk
        # reconnects, so only refused connections, failed writes and timeouts are failures.
        errors += int(sockets.group(1)) + int(sockets.group(3)) + int(sockets.group(4))
    return Result(
        requests=int(total.group(1)),
        rps=float(rps.group(1)),
        p50_ms=_ms(p50.group(1)),
        p99_ms=_ms(p99.group(1)),
        errors=errors,
        tool="wrk",
    )


def run_wrk(
    url: str, headers: dict[str, str], *, duration: int, threads: int, connections: int
) -> Result:
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "--latency",
    ]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    command.append(url)
    done = subprocess.run(  # noqa: S603 - our own arguments
        command, capture_output=True, text=True, timeout=duration + 60, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed: {done.stderr or done.stdout}")
    return parse_wrk(done.stdout)


def run_python(url: str, headers: dict[str, str], *, duration: int, connections: int) -> Result:
    """`connections` threads sending one request after the other for `duration` seconds."""
    parts = urlsplit(url)
    base = f"{parts.scheme}://{parts.netloc}"
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    failures = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + duration

    def worker() -> None:
        mine, codes, failed = [], {}, 0
        while time.perf_counter() < deadline:
            try:
                answer = request(base, path, headers)
            except OSError:
                failed += 1
                continue
            mine.append(answer.seconds * 1000)
            codes[answer.status] = codes.get(answer.status, 0) + 1
        with lock:
            latencies.extend(mine)
            failures[0] += failed
            for code, count in codes.items():
                statuses[code] = statuses.get(code, 0) + count

    started = time.perf_counter()
    workers = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    elapsed = time.perf_counter() - started
    errors = failures[0] + sum(count for code, count in statuses.items() if code >= 400)
    return Result(
        requests=len(latencies),
        rps=len(latencies) / elapsed if elapsed else 0.0,
        p50_ms=statistics.median(latencies) if latencies else 0.0,
        p99_ms=percentile(latencies, 0.99),
        errors=errors,
        tool="python",
        statuses=statuses,
    )


def run(
    url: str,
    headers: dict[str, str],
    *,
    duration: int,
    threads: int = 2,
    connections: int = 32,
    tool: str = "auto",
) -> Result:
    if tool == "wrk" or (tool == "auto" and have_wrk()):
        return run_wrk(url, headers, duration=duration, threads=threads, connections=connections)
    return run_python(url, headers, duration=duration, connections=connections)
