"""/healthz is cheap under a flood of polls and still tells the truth within a second."""

from __future__ import annotations

import socket
import subprocess
import time

import pytest

from kag_portal import views

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def forget_the_last_answer():
    views._health_answer.clear()
    yield
    views._health_answer.clear()


@pytest.fixture
def own_redis(settings):
    """A redis-server of our own that the test may stop."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            time.sleep(0.05)
    settings.REDIS_URL = f"redis://127.0.0.1:{port}/0"
    yield server
    server.terminate()
    server.wait(5)


def test_polls_within_a_second_ask_the_database_once(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        client.get("/healthz")
    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"


def test_redis_going_down_shows_within_a_second(client, own_redis):
    assert client.get("/healthz").json()["checks"]["redis"] == "ok"

    own_redis.terminate()
    own_redis.wait(5)
    time.sleep(views.HEALTH_SECONDS)

    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["down"] == ["redis"]
