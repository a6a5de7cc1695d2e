"""Processes a fault test can kill: a Redis of its own and a Celery worker of its own.

Never the machine's Redis on 6379: each test starts `redis-server` on a free port without
persistence (a restart comes back empty, as a Redis that lost its memory does), and a worker
that uses that Redis and the test database.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise AssertionError(f"nothing answers on port {port}")


class RedisProcess:
    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--loglevel", "warning"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_for_port(self.port)

    def kill(self) -> None:
        """Gone at once, with everything it held (no save, no shutdown)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(5)
        self.process = None


@contextmanager
def own_redis():
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    redis = RedisProcess()
    redis.start()
    try:
        yield redis
    finally:
        redis.kill()


class WorkerProcess:
    """`celery worker` on the test database and a given broker, sending mail to `email_url`."""

    def __init__(self, *, broker_url: str, email_url: str) -> None:
        database = connection.settings_dict
        self.env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{database['USER'] or 'postgres'}@{database['HOST']}:"
            f"{database['PORT'] or 5432}/{database['NAME']}",
            "REDIS_URL": broker_url,
            "EMAIL_URL": email_url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
        }
        self.process: subprocess.Popen | None = None
        self.restarts = 0
        self.log = tempfile.NamedTemporaryFile(prefix="kag-fault-worker-", suffix=".log")  # noqa: SIM115 (closed by own_worker)

    def start(self) -> None:
        log_so_far = Path(self.log.name).stat().st_size
        self.process = subprocess.Popen(
            [
                *(sys.executable, "-m", "celery", "-A", "kag_portal", "worker", "--loglevel=info"),
                *("--concurrency=2", "--pool=prefork", "--without-gossip", "--without-mingle"),
            ],
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # so kill() ends the pool processes with it
        )
        deadline = time.monotonic() + 60
        while b" ready." not in Path(self.log.name).read_bytes()[log_so_far:]:
            assert self.process.poll() is None, self.output()
            assert time.monotonic() < deadline, "the worker did not start\n" + self.output()
            time.sleep(0.2)

    def keep_running(self) -> None:
        """Start it again if it ended, as docker compose's `restart: unless-stopped` does. Celery
        5.7's worker exits ("Unrecoverable error: AttributeError ... 'hostname'") when it loses
        Redis while it holds unacknowledged messages, instead of reconnecting."""
        if self.process is not None and self.process.poll() is not None:
            self.restarts += 1
            self.start()

    def kill(self) -> None:
        """Killed as the kernel's OOM killer would: no warm shutdown, no acknowledgements."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        self.process = None

    def output(self) -> str:
        return Path(self.log.name).read_text(encoding="utf-8", errors="replace")[-60000:]


@contextmanager
def own_worker(*, broker_url: str, email_url: str):
    worker = WorkerProcess(broker_url=broker_url, email_url=email_url)
    worker.start()
    try:
        yield worker
    finally:
        worker.kill()
        worker.log.close()
