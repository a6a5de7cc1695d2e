"""Redis down, portal up: login, sign-up, password reset, the directory, search and tag
suggestions answer normally from the stand-in cache; mails wait in the outbox; /healthz still
says Redis is down. Nothing is needed but a closed port, so these run everywhere."""

from __future__ import annotations

import logging

import pytest
import redis.exceptions
from django.core.cache import cache

from kag_portal.cache import FallbackRedisCache
from kag_portal.models import OutboxMail, User
from tests.companies.directory_helpers import listed, names
from tests.factories import DEFAULT_PASSWORD, UserFactory

from .conftest import broker_at

pytestmark = pytest.mark.django_db

# Port 1 on loopback: a real Redis client, nobody listening.
GONE = "redis://127.0.0.1:1/0"


@pytest.fixture(autouse=True)
def redis_gone(settings):
    """The production cache setup, pointed at a Redis that is not there."""
    settings.REDIS_URL = GONE
    settings.CACHES = {
        "default": {
            "BACKEND": "kag_portal.cache.FallbackRedisCache",
            "LOCATION": GONE,
            "KEY_PREFIX": "kag",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    FallbackRedisCache._down_until.clear()
    cache.clear()
    yield
    FallbackRedisCache._down_until.clear()


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """POST with the broker gone too, running what the request queued on commit."""

    def post(path: str, data: dict, **extra):
        with broker_at(GONE), django_capture_on_commit_callbacks(execute=True):
            return client.post(path, data, **extra)

    return post


def test_a_wrong_then_the_right_password_logs_in(client, post):
    person = UserFactory(email="ines@spannwerk.example")

    wrong = post("/accounts/login/", {"login": person.email, "password": "falsch"})
    right = post("/accounts/login/", {"login": person.email, "password": DEFAULT_PASSWORD})

    assert wrong.status_code == 200
    assert right.status_code == 302
    assert client.get("/me/").status_code == 200


def test_failed_logins_are_still_counted_while_redis_is_down(client, post):
    person = UserFactory(email="ines@spannwerk.example")
    for _ in range(5):
        post("/accounts/login/", {"login": person.email, "password": "falsch"})

    response = post(
        "/accounts/login/",
        {"login": person.email, "password": DEFAULT_PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()


def test_signing_up_works_and_the_mail_waits_in_the_outbox(post):
    response = post(
        "/accounts/signup/",
        {
            "display_name": "Sabine Weiß",
            "email": "sabine@spannwerk.example",
            "password1": DEFAULT_PASSWORD,
            "password2": DEFAULT_PASSWORD,
        },
    )

    assert response.status_code == 302
    assert User.objects.filter(email="sabine@spannwerk.example").exists()
    row = OutboxMail.objects.get(to_email="sabine@spannwerk.example")
    assert row.status == OutboxMail.Status.QUEUED


def test_a_password_reset_is_requested_and_the_mail_waits_in_the_outbox(post):
    UserFactory(email="theo@glaswerk.example")

    response = post("/accounts/password/reset/", {"email": "theo@glaswerk.example"})

    assert response.status_code == 302
    row = OutboxMail.objects.get(to_email="theo@glaswerk.example")
    assert row.status == OutboxMail.Status.QUEUED


def test_the_directory_a_search_and_the_tag_suggestions_answer(client):
    listed(name="Spannwerk Suhl", offers=["Spannzangen"])
    listed(name="Glas Suhl", offers=["Glas"])

    directory = client.get("/companies/")
    search = client.get("/companies/", {"q": "Spannzangen"})
    suggestions = client.get("/companies/tags/suggest/", {"q": "spann"})

    assert directory.status_code == 200
    assert names(directory) == ["Glas Suhl", "Spannwerk Suhl"]
    assert search.status_code == 200
    assert names(search) == ["Spannwerk Suhl"]
    assert suggestions.status_code == 200
    assert [tag["name"] for tag in suggestions.json()["tags"]] == ["Spannzangen"]


def test_healthz_still_reports_redis_down(client):
    client.get("/companies/")  # the cache has fallen back by now

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["down"] == ["redis"]


def test_the_outage_is_logged_once_not_on_every_call(caplog):
    FallbackRedisCache._down_until.clear()  # as if Redis had just gone

    with caplog.at_level(logging.WARNING, logger="kag_portal.cache"):
        for n in range(5):
            cache.set(f"k{n}", n)
            assert cache.get(f"k{n}") == n

    assert len(caplog.records) == 1
    assert "Redis cache unreachable" in caplog.records[0].getMessage()


class FlakyRedis:
    """Stands in for Django's Redis client: down until `up` is set."""

    def __init__(self):
        self.up = False
        self.data = {}

    def _check(self):
        if not self.up:
            raise redis.exceptions.ConnectionError("Connection refused")

    def get(self, key, default):
        self._check()
        return self.data.get(key, default)

    def set(self, key, value, timeout):
        self._check()
        self.data[key] = value

    def delete(self, key):
        self._check()
        return self.data.pop(key, None) is not None


def test_redis_is_asked_again_after_the_pause_and_used_when_it_answers(monkeypatch):
    backend = FallbackRedisCache("redis://127.0.0.1:2/0", {"KEY_PREFIX": "test"})
    flaky = FlakyRedis()
    backend.__dict__["_cache"] = flaky  # replaces the cached_property
    monkeypatch.setattr(FallbackRedisCache, "RETRY_AFTER_SECONDS", 0.0)

    backend.set("greeting", "kept locally")
    flaky.up = True
    backend.set("greeting", "in redis")

    assert flaky.data == {"test:1:greeting": "in redis"}
    assert backend.get("greeting") == "in redis"
