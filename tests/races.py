"""Races between real processes, each with its own database connection, as app servers would be.

Every racer is a fresh Python process running a test's RACER script against the test database.
Each one loads what it needs, prints "ready" and blocks on its stdin; the parent writes "go" to
all of them only when all are ready, so the service calls themselves start together. A racer
prints one JSON object: what it got.
"""

import json
import os
import select
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection


def url_of_the_test_database() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    host = db["HOST"] or "localhost"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{user}{password}@{host}{port}/{quote(db['NAME'], safe='')}"


def child_env() -> dict:
    return os.environ | {
        "DJANGO_SETTINGS_MODULE": "pomochi.settings",
        "DATABASE_URL": url_of_the_test_database(),
    }


def race(racer: str, jobs: list[dict]) -> list[dict]:
    """One process per job running `racer`, released together; what each one got, in the
    order of the jobs."""
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", racer, json.dumps(job)],
            env=child_env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for job in jobs
    ]
    try:
        for one in racers:
            readable, _, _ = select.select([one.stdout], [], [], 60)
            assert readable, "a racer never got ready"
            if one.stdout.readline().strip() != "ready":
                one.wait(timeout=60)
                pytest.fail(f"a racer failed before the start: {one.stderr.read()}")
        # Everyone is blocked reading stdin: these writes take microseconds.
        for one in racers:
            one.stdin.write("go\n")
            one.stdin.flush()
        results = []
        for one in racers:
            out, err = one.communicate(timeout=60)
            assert one.returncode == 0, err
            results.append(json.loads(out))
        return results
    finally:
        for one in racers:
            if one.poll() is None:
                one.kill()
                one.wait()
