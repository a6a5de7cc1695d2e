"""Cache generations (kag_portal/caching.py): a write bumps the scope, the next key differs; a lost
generation never brings an old key back; while Redis is down nothing page-like is kept, and a
process that sees Redis again makes every earlier page stale."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from companies.models import Company
from kag_portal import caching
from kag_portal.cache import EPOCH_KEY, FallbackRedisCache
from tests.factories import CompanyFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_bump_changes_the_key_of_what_shows_that_scope_only():
    directory_before = caching.cache_key(["directory"], "de", "/companies/")
    events_before = caching.cache_key(["events"], "de")

    caching.bump("directory")

    assert caching.cache_key(["directory"], "de", "/companies/") != directory_before
    assert caching.cache_key(["events"], "de") == events_before


def test_a_key_is_stable_while_nothing_changes_and_varies_by_its_parts():
    first = caching.cache_key(["directory", "events"], "de", 7)
    assert caching.cache_key(["directory", "events"], "de", 7) == first
    assert caching.cache_key(["directory", "events"], "en", 7) != first


def test_a_lost_generation_never_brings_an_old_key_back():
    old = caching.cache_key(["stories"], "de")
    caching.bump("stories")
    cache.delete("generation:stories")  # Redis evicted or restarted

    assert caching.cache_key(["stories"], "de") != old


def test_a_saved_or_deleted_row_bumps_the_scope_it_was_connected_to_and_no_other():
    caching.invalidate_on_change("test-companies", Company)
    before = caching.generations("test-companies")
    UserFactory()  # another model: no bump
    assert caching.generations("test-companies") == before

    company = CompanyFactory()
    after_save = caching.generations("test-companies")
    company.delete()

    assert before != after_save != caching.generations("test-companies")


GONE = "redis://127.0.0.1:1/0"


@pytest.fixture
def redis_gone(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "kag_portal.cache.FallbackRedisCache",
            "LOCATION": GONE,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    FallbackRedisCache._down_until.clear()
    cache.clear()
    yield
    FallbackRedisCache._down_until.clear()


def test_while_redis_is_down_pages_are_not_kept_but_rate_limit_counters_are(redis_gone):
    key = caching.cache_key(["directory"], "de")
    cache.set(key, "<html>")
    cache.set("rl:login:someone", 3)

    assert cache.get(key) is None
    assert cache.get("rl:login:someone") == 3


def test_a_process_that_sees_redis_again_drops_the_epoch():
    backend = FallbackRedisCache("redis://127.0.0.1:6379/15", {"KEY_PREFIX": "t-epoch"})
    backend.set(EPOCH_KEY, 42)
    FallbackRedisCache._down_until[backend._location] = 0.0  # it was down, retry time passed

    backend.get("anything")  # the first answer after the outage

    assert backend.get(EPOCH_KEY) is None
    FallbackRedisCache._down_until.pop(backend._location, None)


def test_a_write_in_a_transaction_bumps_again_at_commit(django_capture_on_commit_callbacks):
    caching.invalidate_on_change("test-companies", Company)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        CompanyFactory()
        seen_inside = caching.generations("test-companies")
    for callback in callbacks:
        callback()

    # A request that read the rows before the commit kept them under seen_inside: gone now.
    assert caching.generations("test-companies") != seen_inside
