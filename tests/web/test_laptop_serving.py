"""`make serve`: a village's own community served from a laptop in the background, for real.

The script starts gunicorn (DEBUG off) and the background worker on plain HTTP; a person on the
village network logs in through it. Run against a fresh data folder, as a new install would.
"""

import http.cookiejar
import os
import re
import socket
import stat
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def laptop(tmp_path):
    port = free_port()
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "POMOCHI_TEST_DB", "DEBUG")
    }
    env.update(POMOCHI_DATA_DIR=str(tmp_path / "data"), PORT=str(port), HOST="127.0.0.1")
    env["BIN"] = str(BIN)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    manage = [str(BIN / "python"), "-m", "pomochi.cli"]
    subprocess.run([*manage, "migrate", "-v", "0"], env=env, check=True, cwd=tmp_path)
    subprocess.run([*manage, "collectstatic", "--noinput", "-v", "0"], env=env, check=True)
    subprocess.run(
        [*manage, "createsuperuser", "--noinput", "--username", "host", "--email", "h@x.org"],
        env={**env, "DJANGO_SUPERUSER_PASSWORD": "a-long-laptop-password"},
        check=True,
    )
    script = [str(ROOT / "scripts" / "laptop.sh")]
    started = subprocess.run(
        [*script, "start"], env=env, capture_output=True, text=True, timeout=60
    )
    assert started.returncode == 0, started.stdout + started.stderr
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{base}/login/", timeout=2)
            break
        except OSError:
            time.sleep(0.1)
    yield base, tmp_path / "data", env
    stopped = subprocess.run([*script, "stop"], env=env, capture_output=True, text=True)
    assert stopped.returncode == 0, stopped.stderr


def test_it_serves_plain_http_with_debug_off_and_a_person_can_log_in(laptop):
    base, _, _ = laptop
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = browser.open(f"{base}/login/").read().decode()
    assert "Traceback" not in page
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": "host", "password": "a-long-laptop-password"}
    ).encode()
    request = urllib.request.Request(f"{base}/login/", data=body, headers={"Referer": base})
    home = browser.open(request)
    assert home.url == f"{base}/"  # logged in and sent home, over plain HTTP
    assert any(c.name == "sessionid" and not c.secure for c in jar)
    # DEBUG is off: an unknown page is the site's 404, not Django's debug page
    with pytest.raises(urllib.error.HTTPError) as missing:
        browser.open(f"{base}/no-such-page/")
    assert missing.value.code == 404
    assert b"URLconf" not in missing.value.read()
    # The API's docs load their scripts from the laptop itself, so they work without internet
    docs = browser.open(f"{base}/api/v1/docs").read().decode()
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', docs)
    assert scripts and all(s.startswith("/static/") for s in scripts)
    for src in scripts:
        assert browser.open(f"{base}{src}").status == 200


def test_its_worker_runs_and_its_logs_are_the_owners_only(laptop):
    _, data, env = laptop
    status = subprocess.run(
        [str(ROOT / "scripts" / "laptop.sh"), "status"], env=env, capture_output=True, text=True
    )
    assert "gunicorn: running" in status.stdout
    assert "worker: running" in status.stdout
    for log in (data / "run").glob("*.log"):
        assert stat.S_IMODE(log.stat().st_mode) == 0o600, log
