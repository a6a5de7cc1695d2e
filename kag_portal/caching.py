"""Cache generations: how cached pages and fragments never show stale data.

A cached thing's key carries the generation of every scope it shows ("directory", "events", …).
A write that changes what a scope shows bumps that scope's generation, so the next request
misses and computes afresh; the old entries are never read again and expire on their own. The
writes bump through model signals (``invalidate_on_change``), so the admin, services, imports
and the demo all invalidate alike, and nobody has to remember to.

Generations live in the default cache (Redis in production, shared by every worker). A lost
generation (Redis restarted or evicted it) starts again from the clock, above any value it had, so
an old entry can never match again. While Redis is down the fallback cache keeps neither pages nor
generations (kag_portal/cache.py): each process would bump only its own, so pages are then
computed on every request rather than risk showing what another worker changed, and a process
that sees Redis again drops the epoch that is part of every key (a bump lost in the outage).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save

from .cache import EPOCH_KEY

GENERATION_SECONDS = 30 * 24 * 3600


def _fresh_generation() -> int:
    # Microseconds: above any value the lost generation had, unless it was bumped more often than
    # once a microsecond over its whole life.
    return time.time_ns() // 1_000


def _generation_key(scope: str) -> str:
    return f"generation:{scope}"


def generations(*scopes: str) -> str:
    """The current generations of scopes, as one key part ("…3.17"). One cache round trip."""
    keys = [EPOCH_KEY, *(_generation_key(scope) for scope in scopes)]
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        fresh = _fresh_generation()
        # add() keeps a generation another process set meanwhile.
        for key in missing:
            cache.add(key, fresh, GENERATION_SECONDS)
        found.update(cache.get_many(missing))
    return ".".join(str(found.get(key, "x")) for key in keys)


def bump_now_and_at_commit(*scopes: str) -> None:
    """For a write inside a transaction: bump now, and again once it is committed, because a
    request that read the old rows between the first bump and the commit kept them under the new
    generation."""
    bump(*scopes)
    transaction.on_commit(lambda: bump(*scopes))


def bump(*scopes: str) -> None:
    """Make everything cached for these scopes stale."""
    for scope in scopes:
        key = _generation_key(scope)
        try:
            cache.incr(key)
        except ValueError:
            # Never set or lost: a fresh one is above every value it had.
            cache.set(key, _fresh_generation(), GENERATION_SECONDS)


def cache_key(scope_names: Iterable[str], *parts: object) -> str:
    """A key for something that shows the given scopes, varied by parts (language, query, pk)."""
    scope_names = tuple(scope_names)
    return ":".join(
        ["page", "+".join(scope_names), generations(*scope_names), *(str(part) for part in parts)]
    )


def invalidate_on_change(scope: str | Callable[[Model], str], *models: type[Model]) -> None:
    """Bump scope whenever a row of one of these models is saved or deleted, or an m2m of it
    changes. Connected once from an AppConfig.ready().

    `scope` may be a function of the row ("person:<pk>"): then only the row's own scope goes
    stale, on its save and delete (an m2m change may report the other side's row, so it is not
    watched)."""
    if callable(scope):
        scope_of = scope

        def row_handler(sender, instance, **kwargs) -> None:
            bump_now_and_at_commit(scope_of(instance))

        for model in models:
            # Named by where the function was written, so a second ready() connects nothing.
            code = getattr(scope, "__code__", None)
            where = f"{scope.__module__}.{scope.__qualname__}:{code and code.co_firstlineno}"
            uid = f"caching:row-scope:{where}:{model._meta.label}"
            post_save.connect(row_handler, sender=model, weak=False, dispatch_uid=uid + ":save")
            post_delete.connect(row_handler, sender=model, weak=False, dispatch_uid=uid + ":delete")
        return

    def handler(**kwargs) -> None:
        bump_now_and_at_commit(scope)

    # The handler is kept alive by the registry (weak=False) and named so a second connect from
    # a repeated ready() is ignored.
    for model in models:
        uid = f"caching:{scope}:{model._meta.label}"
        post_save.connect(handler, sender=model, weak=False, dispatch_uid=uid + ":save")
        post_delete.connect(handler, sender=model, weak=False, dispatch_uid=uid + ":delete")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                handler,
                sender=field.remote_field.through,
                weak=False,
                dispatch_uid=f"{uid}:{field.name}:m2m",
            )


def get_many_current(keys: dict[str, Iterable[str]]) -> tuple[dict[str, str], dict]:
    """For each key (mapped to the scopes its entry shows): the stamp of those scopes'
    generations, and the entry where set_current() stored it with that very stamp. One round
    trip, for a page that must name several keys before it knows the generations (per event,
    per viewer, …). An entry stored under an older generation is left out, as a key carrying it
    would never be read again."""
    _check_page_keys(keys)
    scopes = sorted({scope for scopes in keys.values() for scope in scopes})
    generation_keys = [EPOCH_KEY, *(_generation_key(scope) for scope in scopes)]
    found = cache.get_many([*generation_keys, *keys])
    if all(key in found for key in generation_keys):
        values = [str(found[key]) for key in generation_keys]
    else:
        values = generations(*scopes).split(".")
    epoch, of_scope = values[0], dict(zip(scopes, values[1:], strict=True))
    stamps = {
        key: ".".join([epoch, *(of_scope[scope] for scope in key_scopes)])
        for key, key_scopes in keys.items()
    }
    entries = {}
    for key, stamp in stamps.items():
        entry = found.get(key)
        if isinstance(entry, tuple) and len(entry) == 2 and entry[0] == stamp:
            entries[key] = entry[1]
    return stamps, entries


def set_current(key: str, stamp: str, value: object, timeout: int) -> None:
    """Store value for get_many_current() under the stamp it returned for key."""
    _check_page_keys([key])
    cache.set(key, (stamp, value), timeout)


def _check_page_keys(keys: Iterable[str]) -> None:
    # Only "page:" keys are kept from the fallback cache while Redis is down, where the
    # generations are not kept either and an entry could never go stale.
    for key in keys:
        if not key.startswith("page:"):
            raise ValueError(f"a generation-checked key must start with 'page:': {key!r}")
