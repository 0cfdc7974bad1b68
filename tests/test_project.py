"""The project's wiring: the console script, settings from the environment, SQLite's modes."""

import os
import subprocess
import sys

import pytest
from django.db import connection


def run_pomochi(*args, env_extra=None, cwd=None):
    # A clean environment: the browser tests' conftest sets DJANGO_ALLOW_ASYNC_UNSAFE.
    dropped = {"SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-m", "pomochi.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )


def test_the_console_script_is_managepy_with_our_settings(tmp_path):
    result = run_pomochi("check", env_extra={"POMOCHI_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_a_secret_key_is_generated_once_and_kept(tmp_path):
    env = {"POMOCHI_DATA_DIR": str(tmp_path)}
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = run_pomochi("shell", "--no-imports", "-c", code, env_extra=env).stdout.strip()
    second = run_pomochi("shell", "--no-imports", "-c", code, env_extra=env).stdout.strip()
    assert len(first) >= 50 and first == second
    assert (tmp_path / "secret_key").read_text().strip() == first
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"


def test_settings_come_from_the_environment(tmp_path):
    env = {
        "POMOCHI_DATA_DIR": str(tmp_path),
        "SECRET_KEY": "k" * 50,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "aid.example.org,127.0.0.1",
        "CSRF_TRUSTED_ORIGINS": "https://aid.example.org",
        "DATABASE_URL": "postgres://someone@db.example.org:5433/aid",
    }
    code = (
        "from django.conf import settings as s; d = s.DATABASES['default']; "
        "print(s.SECRET_KEY[:3], s.DEBUG, s.ALLOWED_HOSTS, s.CSRF_TRUSTED_ORIGINS, "
        "d['ENGINE'], d['HOST'], d['PORT'], d['NAME'], s.SESSION_COOKIE_SECURE, "
        "s.SECURE_HSTS_SECONDS)"
    )
    result = run_pomochi("shell", "--no-imports", "-c", code, env_extra=env)
    assert result.stdout.split() == [
        "kkk",
        "False",
        "['aid.example.org',",
        "'127.0.0.1']",
        "['https://aid.example.org']",
        "django.db.backends.postgresql",
        "db.example.org",
        "5433",
        "aid",
        "True",
        "31536000",
    ]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite modes")
def test_sqlite_runs_in_wal_with_a_busy_timeout_and_immediate_transactions(db):
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert connection.settings_dict["NAME"] != ":memory:"


def test_the_deployment_check_is_clean_in_production(tmp_path):
    env = {
        "POMOCHI_DATA_DIR": str(tmp_path),
        "DEBUG": "0",
        "SECRET_KEY": "a-long-random-production-key-" + "x7Qz" * 12,
    }
    result = run_pomochi("check", "--deploy", "--fail-level", "WARNING", env_extra=env)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout
