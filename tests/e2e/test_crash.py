"""Kill the server mid-write, restart it, retry: every contribution is recorded exactly once.

A real gunicorn serves a SQLite file database of its own (set up by subprocesses, not by
pytest-django). A client streams contributions through the API, each logical write with its own
Idempotency-Key; after about a hundred acknowledgements the server's process group is killed
with SIGKILL while requests are in flight. The server is started again on the same file and the
client retries every write it has no acknowledgement for, with the same key and body, as a
phone on a bad link would. Then the ledger, the holding and the audit chain must all agree.
"""

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

WRITES = 300
KILL_AFTER = 100  # acknowledged writes before the kill
SENDERS = 4  # concurrent client threads, so several requests are in flight at the kill
REQUEST_TIMEOUT = 15  # seconds for one request
PHASE_TIMEOUT = 90  # seconds for each phase: before the kill, and retrying after it
RETRY_ROUNDS = 5

SETUP = r"""
import json

import django

django.setup()

from pomochi.accounts.models import User
from pomochi.accounts.tokens import token_create
from pomochi.communities.services import community_create, household_create, resource_create
from pomochi.ledger.models import PoolKind
from pomochi.ledger.services import pool_create

olga = User.objects.create_user(username="olga", password="olga-pass-2026")
community = community_create(slug="village", name="Village", founder=olga)
actor = community.memberships.get(user=olga)
household = household_create(actor=actor, community=community, name="Ivanovs", size=4)
grain = resource_create(
    actor=actor, community=community, name="grain", unit="kg", kind="consumable",
    decimal_places=3,
)
granary = pool_create(
    actor=actor, community=community, name="Granary", kind=PoolKind.GRANARY, resources=[grain]
)
_token, secret = token_create(user=olga, name="crash test", scope="write")
print(json.dumps({
    "token": secret, "slug": community.slug, "household": household.id,
    "pool": granary.id, "resource": grain.id,
}))
"""

COUNTS = r"""
import json

import django

django.setup()

from pomochi.ledger.models import Event, IdempotencyRecord

print(json.dumps({
    "contributions": Event.objects.filter(action="contribute").count(),
    "keys": IdempotencyRecord.objects.values("key").distinct().count(),
    "unfinished_keys": IdempotencyRecord.objects.filter(event__isnull=True).count(),
}))
"""


def grams(i: int) -> int:
    """A different, exact quantity for each write, from 1 kg to 9.999 kg."""
    return 1_000 + (i * 7_919) % 9_000


def kilograms(g: int) -> str:
    return f"{g // 1000}.{g % 1000:03d}"


@dataclass
class Village:
    token: str
    slug: str
    household: int
    pool: int
    resource: int


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(env: dict, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=120
    )


class Server:
    """gunicorn in its own session, so SIGKILL to its process group takes the worker too."""

    def __init__(self, env: dict, log: Path):
        self.port = free_port()
        self.log = log
        with open(log, "ab") as out:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "pomochi.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    "1",
                    "--threads",
                    str(SENDERS),
                    "--graceful-timeout",
                    "5",
                ],
                env=env,
                cwd=log.parent,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_until_serving(self, village: Village, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn exited with {self.process.returncode}:\n{self.tail()}")
            try:
                status, _body = self.call(
                    "GET", f"/api/v1/communities/{village.slug}/pools", village.token
                )
            except (OSError, http.client.HTTPException):
                time.sleep(0.1)
                continue
            assert status == 200, self.tail()
            return
        pytest.fail(f"gunicorn did not answer within {timeout} s:\n{self.tail()}")

    def connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)

    def call(self, method: str, path: str, token: str, body=None, key=None):
        """One request on a fresh connection: (status, decoded JSON)."""
        conn = self.connect()
        try:
            conn.request(
                method,
                path,
                body=None if body is None else json.dumps(body),
                headers=headers(token, key),
            )
            response = conn.getresponse()
            return response.status, json.loads(response.read() or b"null")
        finally:
            conn.close()

    def kill(self) -> None:
        """SIGKILL, no goodbyes: what a power cut or the OOM killer does to the app server."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):  # the group is already gone
                os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


def headers(token: str, key: str | None = None) -> dict:
    h = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    if key is not None:
        h["Idempotency-Key"] = key
    return h


class Writer:
    """The client: one logical write per index, the same key and body on every attempt."""

    def __init__(self, village: Village):
        self.village = village
        self.path = f"/api/v1/communities/{village.slug}/contributions"
        self.acked: dict[int, int] = {}  # write → the event id the server acknowledged
        self.unexpected: list[tuple[int, object, object]] = []
        self.lost = 0  # attempts whose connection failed: the outcome is unknown to the client
        self.lock = threading.Lock()

    def key(self, i: int) -> str:
        return f"crash-write-{i:04d}"

    def body(self, i: int) -> dict:
        v = self.village
        return {
            "household": v.household,
            "pool": v.pool,
            "resource": v.resource,
            "quantity": kilograms(grams(i)),
            "note": self.key(i),  # so the ledger shows which write each event is
        }

    def send(self, server: Server, i: int) -> None:
        try:
            status, body = server.call(
                "POST", self.path, self.village.token, self.body(i), self.key(i)
            )
        except (OSError, http.client.HTTPException):
            with self.lock:
                self.lost += 1
            return
        with self.lock:
            # Collected, not asserted: an assertion in a sender thread would go unseen.
            if status != 201:
                self.unexpected.append((i, status, body))
            elif self.acked.setdefault(i, body["id"]) != body["id"]:
                self.unexpected.append((i, "acknowledged as two events", body))

    def send_unread(self, server: Server, i: int) -> http.client.HTTPConnection:
        """Send write i in full and leave its answer unread, as a phone losing the link does."""
        conn = server.connect()
        conn.request(
            "POST",
            self.path,
            body=json.dumps(self.body(i)),
            headers=headers(self.village.token, self.key(i)),
        )
        return conn

    def recorded(self, server: Server, i: int, timeout: float = 15) -> int:
        """The id of write i's event once the ledger shows it (read on another connection)."""
        path = f"/api/v1/communities/{self.village.slug}/events?action=contribute&per_page=200"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status, body = server.call("GET", path, self.village.token)
            assert status == 200, body
            for event in body["items"]:
                if event["note"] == self.key(i):
                    return event["id"]
            time.sleep(0.01)
        pytest.fail(f"write {i} was not recorded within {timeout} s:\n{server.tail()}")


def write_until_killed(server: Server, writer: Writer) -> tuple[int, int]:
    """Stream writes from several threads; after KILL_AFTER acknowledgements, SIGKILL the
    server while they wait for answers. Returns the write that was committed but whose
    answer was never read, and its event id."""
    queue = iter(range(WRITES))
    stop = threading.Event()

    def sender():
        while not stop.is_set():
            with writer.lock:
                i = next(queue, None)
            if i is None:
                return
            writer.send(server, i)

    threads = [threading.Thread(target=sender, daemon=True) for _ in range(SENDERS)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + PHASE_TIMEOUT
    while len(writer.acked) < KILL_AFTER:
        assert time.monotonic() < deadline, f"only {len(writer.acked)} writes acknowledged"
        assert server.process.poll() is None, server.tail()
        time.sleep(0.005)
    with writer.lock:
        unread = next(queue, None)
    assert unread is not None, "every write was sent before the kill"
    conn = writer.send_unread(server, unread)
    committed = writer.recorded(server, unread)
    server.kill()
    stop.set()
    conn.close()
    for t in threads:
        t.join(timeout=REQUEST_TIMEOUT + 5)
        assert not t.is_alive(), "a sender thread hung after the kill"
    return unread, committed


def retry_until_acknowledged(server: Server, writer: Writer) -> None:
    deadline = time.monotonic() + PHASE_TIMEOUT
    for _round in range(RETRY_ROUNDS):
        pending = [i for i in range(WRITES) if i not in writer.acked]
        if not pending:
            return
        for i in pending:
            assert time.monotonic() < deadline, f"{len(pending)} writes still unacknowledged"
            writer.send(server, i)


def contribution_events(server: Server, village: Village) -> dict[int, dict]:
    events = {}
    for page in range(1, 20):
        status, body = server.call(
            "GET",
            f"/api/v1/communities/{village.slug}/events?action=contribute&per_page=200&page={page}",
            village.token,
        )
        assert status == 200, body
        events.update({e["id"]: e for e in body["items"]})
        if page >= body["meta"]["pages"]:
            break
    return events


@pytest.fixture
def crash_env(tmp_path):
    """The server's environment: its own SQLite file and data folder, nothing from the tests."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "POMOCHI_", "DATABASE_", "SECURE_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="pomochi.settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'crash.sqlite3'}",
        POMOCHI_DATA_DIR=str(tmp_path),
        SECRET_KEY="crash-test-not-secret-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1",
        DEBUG="0",
        SECURE_SSL_REDIRECT="0",  # plain HTTP on the loopback
    )
    return env


def test_a_killed_server_loses_no_acknowledged_write_and_records_none_twice(crash_env, tmp_path):
    migrate = run(crash_env, "-m", "pomochi.cli", "migrate", "--noinput", "-v", "0", cwd=tmp_path)
    assert migrate.returncode == 0, migrate.stderr
    setup = run(crash_env, "-c", SETUP, cwd=tmp_path)
    assert setup.returncode == 0, setup.stderr
    village = Village(**json.loads(setup.stdout.strip().splitlines()[-1]))
    writer = Writer(village)
    servers: list[Server] = []
    try:
        servers.append(first := Server(crash_env, tmp_path / "gunicorn-1.log"))
        first.wait_until_serving(village)
        unread, committed = write_until_killed(first, writer)
        acked_before_kill = dict(writer.acked)
        assert KILL_AFTER <= len(acked_before_kill) < WRITES
        assert unread not in acked_before_kill
        assert writer.lost >= 1, "no request was in flight when the server was killed"
        assert writer.unexpected == [], writer.unexpected[:5]

        # The same database, a new server: retry every write that was not acknowledged.
        servers.append(second := Server(crash_env, tmp_path / "gunicorn-2.log"))
        second.wait_until_serving(village)
        retry_until_acknowledged(second, writer)
        assert writer.unexpected == [], writer.unexpected[:5]
        assert sorted(writer.acked) == list(range(WRITES)), second.tail()
        # The write committed before the crash is answered, on retry, with that same event;
        # and so are writes acknowledged before the crash, if they are sent again.
        assert writer.acked[unread] == committed
        for i in sorted(acked_before_kill)[:: len(acked_before_kill) // 10]:
            writer.send(second, i)
        assert writer.unexpected == [], writer.unexpected[:5]

        events = contribution_events(second, village)
        assert len(events) == WRITES
        for i, event_id in writer.acked.items():
            assert event_id in events, f"acknowledged write {i} (event {event_id}) is missing"
            assert (events[event_id]["note"], events[event_id]["quantity"]) == (
                writer.key(i),
                grams(i),
            )
        assert len({e["note"] for e in events.values()}) == WRITES, "a write was recorded twice"

        status, pool = second.call(
            "GET", f"/api/v1/communities/{village.slug}/pools/{village.pool}", village.token
        )
        assert status == 200, pool
        holding = {h["resource"]: h["quantity"] for h in pool["holdings"]}
        assert holding[village.resource] == sum(grams(i) for i in range(WRITES))
        second.stop()
    finally:
        for server in servers:
            server.kill()

    # The database itself, read with the server gone.
    counts = run(crash_env, "-c", COUNTS, cwd=tmp_path)
    assert counts.returncode == 0, counts.stderr
    assert json.loads(counts.stdout.strip().splitlines()[-1]) == {
        "contributions": WRITES,
        "keys": WRITES,
        "unfinished_keys": 0,
    }
    verify = run(crash_env, "-m", "pomochi.cli", "verify_audit", cwd=tmp_path)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert "village: OK" in verify.stdout
