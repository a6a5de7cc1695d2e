from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from kag_portal.celery import app as celery_app

TEST_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@pytest.fixture
def test_mail_templates(settings):
    engine = {**django_settings.TEMPLATES[0]}
    engine["DIRS"] = [*engine["DIRS"], TEST_TEMPLATES]
    settings.TEMPLATES = [engine]


@contextmanager
def broker_at(url: str):
    """Point the Celery app at a broker URL for real, with eager mode off."""
    conf = celery_app.conf
    previous = conf.broker_url, conf.task_always_eager
    conf.broker_url = url
    conf.task_always_eager = False
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    try:
        yield
    finally:
        conf.broker_url, conf.task_always_eager = previous
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
