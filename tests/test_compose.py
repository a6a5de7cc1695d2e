"""The production setup (docker-compose.yml, .env.example, README.md) stays valid and complete.

No database and no Docker engine needed: `docker-compose config` only reads and checks the file.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"

# env.str("X", …), env.list("X"), env.db("X"), env_bool("X", …), env_int("X", …), also when the
# name stands on the next line.
SETTINGS_READ = re.compile(
    r"""\benv(?:\.(?:str|bool|int|float|list|tuple|dict|json|url|db|db_url|cache|cache_url"""
    r"""|email|email_url|path)|_bool|_int)\(\s*["']([A-Z][A-Z0-9_]*)["']"""
)
OS_ENVIRON_READ = re.compile(
    r"""os\.(?:environ(?:\.get)?|getenv)[(\[]\s*["']([A-Z][A-Z0-9_]*)["']"""
)


def _compose_command() -> list[str] | None:
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    if shutil.which("docker"):
        probe = subprocess.run(
            ["docker", "compose", "version"], capture_output=True, text=True, check=False
        )
        if probe.returncode == 0:
            return ["docker", "compose"]
    return None


def _settings_variables() -> set[str]:
    source = (ROOT / "kag_portal" / "settings.py").read_text(encoding="utf-8")
    return set(SETTINGS_READ.findall(source)) | set(OS_ENVIRON_READ.findall(source))


def _services() -> dict[str, str]:
    """The text of each service block under `services:` (two-space indented keys)."""
    blocks: dict[str, str] = {}
    current = None
    in_services = False
    for line in COMPOSE_FILE.read_text(encoding="utf-8").splitlines():
        if re.match(r"^\S", line):  # a top-level key ends the services section
            in_services = line.startswith("services:")
            current = None
            continue
        match = re.match(r"^  ([A-Za-z0-9_-]+):\s*$", line)
        if in_services and match:
            current = match.group(1)
            blocks[current] = ""
        elif in_services and current:
            blocks[current] += line + "\n"
    return blocks


def test_compose_file_is_valid_with_the_example_env(tmp_path):
    command = _compose_command()
    if command is None:
        pytest.skip("docker-compose is not installed (apt-get install docker-compose)")
    shutil.copy(COMPOSE_FILE, tmp_path / "docker-compose.yml")
    # env_file: .env must exist, and it also feeds the ${…} substitutions.
    shutil.copy(ENV_EXAMPLE, tmp_path / ".env")
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("COMPOSE_") and name != "POSTGRES_PASSWORD"
    }
    result = subprocess.run(
        [*command, "config", "-q"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_file_has_no_top_level_name_key():
    # Debian's docker-compose (v1) rejects it.
    assert not re.search(r"^name:", COMPOSE_FILE.read_text(encoding="utf-8"), re.MULTILINE)


def test_compose_file_defines_the_expected_services():
    assert set(_services()) == {"web", "worker", "beat", "db", "redis", "mail"}


def test_every_service_but_mail_has_a_healthcheck():
    for name, block in _services().items():
        if name != "mail":
            assert "healthcheck:" in block, f"service {name} has no healthcheck"


def test_redis_keeps_queued_messages_and_never_evicts_them():
    command = re.search(r"command:\s*(.+)", _services()["redis"]).group(1)
    assert re.search(r"appendonly\W+yes", command)
    # The cache shares it: bounded, and only keys with an expiry (cache entries) are evicted.
    assert re.search(r"maxmemory\W+\d+[kmg]b", command)
    assert re.search(r"maxmemory-policy\W+volatile-lru", command)


def test_portal_services_wait_for_a_healthy_database_and_redis():
    text = COMPOSE_FILE.read_text(encoding="utf-8")
    anchor = re.search(r"^x-portal: &portal\n((?:  .*\n|\n)+)", text, re.MULTILINE).group(1)
    assert re.search(r"db:\s*\n\s*condition: service_healthy", anchor)
    assert re.search(r"redis:\s*\n\s*condition: service_healthy", anchor)
    services = _services()
    for name in ("web", "worker", "beat"):
        assert "<<: *portal" in services[name], f"service {name} does not use x-portal"


def test_env_example_names_every_variable_settings_reads():
    variables = _settings_variables()
    # Guard the pattern itself: if it stopped matching, this test would pass on nothing.
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "DEFAULT_FROM_EMAIL"} <= variables
    documented = set(
        re.findall(
            r"^#?\s*([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(encoding="utf-8"), re.MULTILINE
        )
    )
    assert sorted(variables - documented) == []


def test_readme_names_every_variable_settings_reads():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [name for name in _settings_variables() if f"`{name}`" not in readme]
    assert sorted(missing) == []


def test_env_example_holds_no_secret():
    values = dict(
        re.findall(
            r"^([A-Z][A-Z0-9_]*)=(.*)$", ENV_EXAMPLE.read_text(encoding="utf-8"), re.MULTILINE
        )
    )
    assert values["SECRET_KEY"] == ""
    assert "replace" in values["POSTGRES_PASSWORD"]


def test_entrypoint_is_valid_posix_shell():
    result = subprocess.run(
        ["sh", "-n", str(ROOT / "docker" / "entrypoint.sh")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
