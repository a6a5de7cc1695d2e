from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.utils import translation

from kag_portal.celery import app as celery_app


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """A reused test database may have been emptied by the last run's transactional tests."""
    from tests.migration_data import restore_migration_data

    with django_db_blocker.unblock():
        restore_migration_data()


def pytest_collection_modifyitems(config, items):
    on_postgres = django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)"))
        if "worker" in item.keywords and not django_settings.REDIS_URL:
            item.add_marker(pytest.mark.skip(reason="needs a Redis broker (set REDIS_URL)"))


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, request):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Rate limits count per test, not across the suite.
    from django.core.cache import cache

    cache.clear()
    # Every test starts in the portal's default language, whatever a previous test's request left
    # active on this thread.
    translation.activate(django_settings.LANGUAGE_CODE)
    # Tasks run in the test process unless a test asks for the real worker.
    eager = "worker" not in request.keywords
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = eager
    yield
    celery_app.conf.task_always_eager = previous
    translation.deactivate()


@pytest.fixture
def live_worker():
    """A Celery worker answers on REDIS_URL (.ci/run starts one on the test database before the
    tests; this fixture only checks, so a missing worker fails here, not as a timeout later)."""
    replies = celery_app.control.ping(timeout=3)
    assert replies, (
        "REDIS_URL is set but no Celery worker answers: start one on the test database "
        "(.ci/run shows how) or unset REDIS_URL"
    )
