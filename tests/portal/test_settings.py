"""Settings come from the environment; production refuses to start on a missing or bad value."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "x7#kq2!vR9zLw4@pN8sT1yB6mD3fH0jG5cXeUaZ-oPiQrWvKn-prod-test-key",
    "ALLOWED_HOSTS": "portal.kag-suedthueringen.de",
    "SITE_URL": "https://portal.kag-suedthueringen.de",
    "REDIS_URL": "redis://127.0.0.1:6379/15",
    "DATABASE_URL": "postgres://kag:secret@127.0.0.1:5432/kag",
}
SHOW = """
import json, django
from django.conf import settings as s
django.setup()
print(json.dumps({
    "debug": s.DEBUG,
    "engine": s.DATABASES["default"]["ENGINE"],
    "db_name": str(s.DATABASES["default"]["NAME"]),
    "eager": s.CELERY_TASK_ALWAYS_EAGER,
    "broker": s.CELERY_BROKER_URL,
    "cache": s.CACHES["default"]["BACKEND"],
    "email_backend": s.EMAIL_BACKEND,
    "email_path": str(getattr(s, "EMAIL_FILE_PATH", "")),
    "hsts": getattr(s, "SECURE_HSTS_SECONDS", 0),
    "session_secure": s.SESSION_COOKIE_SECURE,
    "language": s.LANGUAGE_CODE,
    "proxies": s.ALLAUTH_TRUSTED_PROXY_COUNT,
}))
"""


def run_python(code: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    clean = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")}
    clean["DJANGO_SETTINGS_MODULE"] = "kag_portal.settings"
    return subprocess.run(
        [sys.executable, *(["-c", code] if code else []), *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def settings_with(env: dict[str, str]) -> dict:
    result = run_python(SHOW, env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_with_no_environment_it_is_the_embedded_development_setup():
    shown = settings_with({})

    assert shown["debug"] is True
    assert shown["engine"] == "django.db.backends.sqlite3"
    assert shown["db_name"] == str(ROOT / "var" / "db.sqlite3")
    assert shown["eager"] is True
    assert shown["email_backend"] == "django.core.mail.backends.filebased.EmailBackend"
    assert shown["email_path"] == str(ROOT / "var" / "mail")
    assert shown["language"] == "de"


def test_database_url_and_redis_url_switch_to_postgresql_and_a_real_broker():
    shown = settings_with(
        {
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/kag",
            "REDIS_URL": "redis://127.0.0.1:6379/2",
        }
    )

    assert shown["engine"] == "django.db.backends.postgresql"
    assert shown["broker"] == "redis://127.0.0.1:6379/2"
    assert shown["eager"] is False
    assert shown["cache"] == "kag_portal.cache.FallbackRedisCache"


def test_production_turns_on_the_security_settings():
    shown = settings_with({**PRODUCTION, "TRUSTED_PROXY_COUNT": "1"})

    assert shown["debug"] is False
    assert shown["hsts"] == 31536000
    assert shown["session_secure"] is True
    assert shown["proxies"] == 1


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "REDIS_URL", "SITE_URL"])
def test_production_has_no_default_for(missing):
    env = {key: value for key, value in PRODUCTION.items() if key != missing}

    result = run_python(SHOW, env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DEBUG", "maybe"),
        ("EMAIL_TIMEOUT", "ten"),
        ("TRUSTED_PROXY_COUNT", "-1"),
        ("DJANGO_ENV", "staging"),
        ("REDIS_URL", "127.0.0.1:6379"),
    ],
)
def test_a_bad_value_stops_the_start_loudly(name, value):
    result = run_python(SHOW, {name: value})

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert name in result.stderr


def test_production_refuses_a_short_secret_key():
    result = run_python(SHOW, {**PRODUCTION, "SECRET_KEY": "geheim"})

    assert result.returncode != 0
    assert "SECRET_KEY must be at least 50" in result.stderr


def test_production_refuses_debug():
    result = run_python(SHOW, {**PRODUCTION, "DEBUG": "true"})

    assert result.returncode != 0
    assert "DEBUG" in result.stderr


def test_check_deploy_prints_no_warning_in_production():
    result = run_python("", PRODUCTION, "manage.py", "check", "--deploy")

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNINGS" not in result.stderr


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_apps_postgresql_connections_run_without_jit():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
