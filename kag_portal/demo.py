"""Registry of demo-data loaders for `manage.py seed_demo`.

Each app registers a function in its AppConfig.ready(); the command runs them by order. Every
loader must be idempotent (get_or_create / update_or_create), so seed_demo can run on every start.
"""

from __future__ import annotations

from collections.abc import Callable

_loaders: list[tuple[int, str, Callable[[Callable[[str], None]], None]]] = []


def register(order: int, name: str, loader: Callable[[Callable[[str], None]], None]) -> None:
    if all(existing != name for _o, existing, _l in _loaders):
        _loaders.append((order, name, loader))


def loaders() -> list[tuple[str, Callable[[Callable[[str], None]], None]]]:
    return [(name, loader) for _order, name, loader in sorted(_loaders, key=lambda item: item[0])]
