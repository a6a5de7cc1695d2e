"""The Redis cache, with a local stand-in while Redis is down.

allauth's rate limits (login, sign-up, password reset) and the directory's cached choices and
tag suggestions go through Django's cache. A plain RedisCache turns every one of those requests
into an error page when Redis is gone; this one answers from a per-process memory cache instead,
so rate limits still count (per process) and get_or_set still returns the computed value.
/healthz asks Redis itself and still reports it down.
"""

from __future__ import annotations

import logging
import threading
import time

import redis.exceptions
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

# Pages and their generations: see kag_portal/caching.py.
SHARED_ONLY_PREFIXES = ("generation:", "page:")
# Part of every page key. A bump made while Redis was down is lost, so a process that comes back
# from an outage drops the epoch, and every page cached before the outage goes stale.
EPOCH_KEY = "generation:epoch"

# What redis-py raises for a server that is down, restarting or unreachable.
REDIS_DOWN = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)


class FallbackRedisCache(RedisCache):
    """RedisCache that falls back to a LocMemCache when Redis does not answer.

    After a failure Redis is left alone for RETRY_AFTER_SECONDS, so that an unreachable host
    costs one socket timeout per process and half minute, not one per cache call.
    """

    RETRY_AFTER_SECONDS = 30.0

    # Shared by every thread of the process (Django makes one backend object per thread).
    _down_until: dict[str, float] = {}
    _state_lock = threading.Lock()

    def __init__(self, server, params):
        super().__init__(server, params)
        self._location = server if isinstance(server, str) else ",".join(server)
        local_params = {
            key: value
            for key, value in params.items()
            if key in {"TIMEOUT", "KEY_PREFIX", "VERSION", "KEY_FUNCTION"}
        }
        local_params["OPTIONS"] = {"MAX_ENTRIES": 5000}
        # LocMemCache objects with the same name share their entries within the process.
        self._fallback = LocMemCache(f"redis-fallback:{self._location}", local_params)

    # --- when to use which -------------------------------------------------------------------

    def _redis_is_resting(self) -> bool:
        until = self._down_until.get(self._location)
        return until is not None and time.monotonic() < until

    def _mark_down(self, error: Exception) -> None:
        with self._state_lock:
            was_up = self._location not in self._down_until
            self._down_until[self._location] = time.monotonic() + self.RETRY_AFTER_SECONDS
        if was_up:
            logger.warning(
                "Redis cache unreachable, using this process's memory instead: %s", error
            )

    def _mark_up(self) -> None:
        if self._location in self._down_until:
            with self._state_lock:
                was_down = self._down_until.pop(self._location, None) is not None
            if was_down:
                logger.info("Redis cache answers again")
                try:
                    super().delete(EPOCH_KEY)
                except REDIS_DOWN as error:
                    self._mark_down(error)

    def _call(self, name: str, *args):
        if not self._redis_is_resting():
            try:
                result = getattr(super(), name)(*args)
            except REDIS_DOWN as error:
                self._mark_down(error)
            else:
                self._mark_up()
                return result
        if name in {"add", "set"} and str(args[0]).startswith(SHARED_ONLY_PREFIXES):
            # Kept only where every worker sees it (kag_portal/caching.py): computed afresh.
            return False
        if name == "set_many":
            args = (
                {k: v for k, v in args[0].items() if not str(k).startswith(SHARED_ONLY_PREFIXES)},
                *args[1:],
            )
        return getattr(self._fallback, name)(*args)

    def _forget_locally(self, name: str, *args) -> None:
        # Whatever was kept here during an outage must not come back at the next one.
        getattr(self._fallback, name)(*args)

    # --- the cache API -----------------------------------------------------------------------
    # get_or_set, get_or_set's async twin and the other a* methods go through these.

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout, version)

    def delete(self, key, version=None):
        self._forget_locally("delete", key, version)
        return self._call("delete", key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", data, timeout, version)

    def delete_many(self, keys, version=None):
        self._forget_locally("delete_many", keys, version)
        return self._call("delete_many", keys, version)

    def clear(self):
        self._forget_locally("clear")
        return self._call("clear")
