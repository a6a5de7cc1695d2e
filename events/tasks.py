"""Celery tasks of the events app. The work itself lives in events.services; these only call it."""

from __future__ import annotations
