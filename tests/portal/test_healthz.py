from __future__ import annotations

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_it_answers_ok_when_everything_is_up(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs a Redis server (set REDIS_URL)")
def test_it_checks_redis_where_configured(client):
    response = client.get("/healthz")

    assert response.json()["checks"]["redis"] == "ok"


def test_it_names_redis_when_redis_is_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["down"] == ["redis"]
    assert response.json()["checks"]["database"] == "ok"
