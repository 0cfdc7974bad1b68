"""What pomochi writes is its owner's only: the database and its WAL and SHM, backups and
exports 0600, the data folder 0700. Run in a fresh process, as `pomochi` would be."""

import json
import os
import subprocess
import sys

import pytest

SCRIPT = r"""
import json, os, stat, sys
from pathlib import Path
from pomochi.cli import main

data, out = Path(sys.argv[1]), Path(sys.argv[2])
sys.argv = ["pomochi", "migrate", "--noinput", "-v", "0"]
main()
from django.core.management import call_command
from django.db import connection
from pomochi.accounts.models import User
from pomochi.communities.services import community_create

founder = User.objects.create_user(username="olga", password="olga-pass-2026")
community_create(slug="village", name="Village", founder=founder)
with connection.cursor() as c:  # the WAL and SHM exist while a connection is open
    c.execute("SELECT count(*) FROM accounts_user")
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in data.iterdir()}
call_command("backup")
call_command("export", community="village", format="csv", out=str(out / "csv"))
call_command("export", community="village", format="json", out=str(out / "json"))
for p in data.rglob("*"):
    modes[str(p.relative_to(data))] = stat.S_IMODE(p.stat().st_mode)
for p in out.rglob("*"):
    modes["out/" + str(p.relative_to(out))] = stat.S_IMODE(p.stat().st_mode)
modes["<data>"] = stat.S_IMODE(data.stat().st_mode)
print(json.dumps(modes))
"""


@pytest.mark.slow
def test_the_database_backups_and_exports_are_the_owners_only(tmp_path):
    data, out = tmp_path / "data", tmp_path / "out"
    out.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "POMOCHI_TEST_DB")}
    env.update(POMOCHI_DATA_DIR=str(data), DJANGO_SETTINGS_MODULE="pomochi.settings")
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(data), str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    modes = json.loads(result.stdout.strip().splitlines()[-1])
    assert modes["<data>"] == 0o700
    for name in ["pomochi.sqlite3", "pomochi.sqlite3-wal", "pomochi.sqlite3-shm", "secret_key"]:
        assert modes[name] == 0o600, (name, oct(modes[name]))
    backups = [name for name in modes if name.startswith("backups/") and name.endswith(".gz")]
    assert backups and all(modes[b] == 0o600 for b in backups)
    exports = [n for n in modes if n.endswith((".csv", ".jsonld"))]
    assert len(exports) == 4 and all(modes[n] == 0o600 for n in exports), modes
    folders = ["backups", "static", "out/csv", "out/json"]
    assert {f: oct(modes[f]) for f in folders} == {f: "0o700" for f in folders}
