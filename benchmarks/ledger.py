"""Ledger events per second: through the services, and the same SQL replayed on the bare driver.

    .venv/bin/python benchmarks/ledger.py [--events 2000] [--rounds 3] [--warmup 200]
                                          [--batch 1000]

For SQLite and PostgreSQL in turn (each in its own process, since Django settings are per
process), the script builds two identical throwaway databases: migrated, one community with two
households, grain and a granary, and --batch more households to receive a batch, made by the
real services; the second is a copy of the first.

- services: N events through `event_contribute` / `event_distribute`, alternating, each its own
  transaction as the services make it, on the first database.
- raw: the statements those very calls sent, recorded as (sql, params) as they were handed to
  the driver, replayed in the same order on the copy with the plain DB-API driver (sqlite3,
  psycopg), one transaction per event: BEGIN IMMEDIATE … COMMIT on SQLite, psycopg's implicit
  BEGIN … COMMIT on PostgreSQL, with the connection settings Django uses.

Because the copy starts identical and replays exactly what the services did, both databases are
in the same state at the start of every round (checked after each one), so both sides do the
same work on tables of the same size. Within a round the two sides alternate in stretches of
--chunk events (services, then the replay of what they just sent), so load elsewhere on the
machine falls on both; each side keeps its best round. ratio = services_per_s / raw_per_s, the
share of the driver's speed the services keep; the aim is ≥ 0.5.

- batch: the path of an allocation round. One call of `events_distribute_batch` gives 1 kg to
  each of the --batch households, all in one transaction; the statements it sent (one holding
  update, multi-row event INSERTs, the audit head, the audit entries as one executemany) are
  replayed on the copy in one transaction, as they were sent: the audit entries with
  executemany, the multi-row INSERTs as they are. Once as a warm-up, then once per round, each
  side keeping its best round. batch_ratio = batch_per_s / raw_batch_per_s (distributions per
  second); the aim is ≥ 0.5.

The last line on stdout is one JSON object:
{"sqlite": {"services_per_s", "raw_per_s", "ratio", "statements_per_event", "batch_per_s",
 "raw_batch_per_s", "batch_ratio", …}, "postgresql": …}
A backend that cannot run (PostgreSQL not reachable) reports {"skipped": "why"}.
PostgreSQL defaults to postgres://postgres@127.0.0.1:5432/pomochi_bench (--postgres-url or
POMOCHI_BENCH_POSTGRES_URL); the script creates and drops that database and "<name>_raw".
"""

import argparse
import cProfile
import gc
import json
import os
import platform
import pstats
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BACKENDS = ("sqlite", "postgresql")
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/pomochi_bench"
CONTRIBUTION = 1_500  # grams in, per contribution
DISTRIBUTION = 1_000  # grams out, per distribution: stock only grows, nothing is refused
BATCH_SHARE = 1_000  # grams to each household of a batch; the stock for it is put in first
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "END")

# Django's SQLite cursor turns "format" placeholders into qmarks on every execute; the raw side
# gets them converted once, before the clock starts (django.db.backends.sqlite3.base).
FORMAT_QMARK = re.compile(r"(?<!%)%s")

NOTES = (
    "statements_per_event: statements per service call counted with "
    "django.test.utils.CaptureQueriesContext during the warm-up, leaving out transaction "
    "control (BEGIN IMMEDIATE, which Django's SQLite backend sends through a cursor, is dropped; "
    "COMMIT goes through connection.commit() and PostgreSQL's BEGIN is implicit in psycopg, so "
    "neither is ever captured). Replay: (sql, params) recorded with connection.execute_wrapper "
    "during the timed services run itself, i.e. exactly what Django handed the driver, not "
    "CaptureQueriesContext's display string; the recording wrapper's small cost is counted "
    "against the services. Rates are events per second of the best round of each side; each "
    "round alternates the two sides in stretches of `chunk` events. Batch: one "
    "events_distribute_batch call of `batch_lines` distributions per round (after one warm-up "
    "batch), replayed in one transaction right after it, each side after gc.collect(); rates "
    "are distributions per second of the best round of each side; the stock the batches give "
    "out is contributed (recorded and replayed, untimed) before the warm-up."
)


# ---------------------------------------------------------------------------------------------
# Parent: one child process per backend, one JSON object printed last.


def main() -> None:
    args = _arguments()
    if args.backend:
        result = run_backend(args)
        print(json.dumps(result), flush=True)
        return
    combined = {backend: _run_child(backend, args) for backend in BACKENDS}
    print(json.dumps(combined), flush=True)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=BACKENDS, help="run one backend here (internal)")
    parser.add_argument("--events", type=int, default=2000, help="events per timed round")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds; best one counts")
    parser.add_argument(
        "--chunk", type=int, default=100, help="events per stretch; services and raw alternate"
    )
    parser.add_argument("--warmup", type=int, default=200, help="events before timing, counted")
    parser.add_argument(
        "--batch", type=int, default=1000, help="distributions in one batch (households made)"
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("POMOCHI_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL),
    )
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="after timing, profile one more services round and print the top N to stderr",
    )
    args = parser.parse_args()
    if args.events < 2 or args.rounds < 1 or args.warmup < 2 or args.chunk < 1 or args.batch < 1:
        parser.error("need --events ≥ 2, --rounds ≥ 1, --warmup ≥ 2, --chunk ≥ 1, --batch ≥ 1")
    return args


def _run_child(backend: str, args: argparse.Namespace) -> dict:
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        f"--backend={backend}",
        f"--events={args.events}",
        f"--rounds={args.rounds}",
        f"--warmup={args.warmup}",
        f"--chunk={args.chunk}",
        f"--batch={args.batch}",
        f"--profile={args.profile}",
    ]
    # The URL goes by environment, not argv, where a password would show in the process list.
    env = dict(os.environ, POMOCHI_BENCH_POSTGRES_URL=args.postgres_url)
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True, env=env, check=False)
    lines = done.stdout.strip().splitlines()
    for line in lines[:-1]:
        print(line, file=sys.stderr)  # stdout stays one JSON line
    if done.returncode != 0 or not lines:
        return {"error": f"{backend} run exited with status {done.returncode}; see stderr"}
    try:
        return json.loads(lines[-1])
    except json.JSONDecodeError:
        return {"error": f"{backend} run printed no JSON: {lines[-1][:200]}"}


# ---------------------------------------------------------------------------------------------
# Child: one backend, two identical databases.


class SQLiteDatabases:
    """Two database files in a temporary folder; the raw one is a byte copy of the first."""

    def __init__(self, folder: Path):
        self.path = folder / "bench.sqlite3"
        self.raw_path = folder / "bench-raw.sqlite3"
        self.url = f"sqlite:///{self.path}"

    def unreachable(self) -> str | None:
        return None

    def create(self) -> None:
        pass  # Django creates the file on first connection

    def clone(self) -> None:
        with closing(sqlite3.connect(self.path)) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # everything in the main file
        shutil.copyfile(self.path, self.raw_path)

    def replayer(self) -> "SQLiteReplayer":
        return SQLiteReplayer(self.raw_path)

    def drop(self) -> None:
        pass  # the temporary folder goes

    def version(self) -> str:
        return f"SQLite {sqlite3.sqlite_version}"


class PostgresDatabases:
    """Two databases on one server; the raw one is CREATE DATABASE … TEMPLATE the first."""

    def __init__(self, url: str):
        parts = urlsplit(url)
        self.url = url
        self.name = parts.path.lstrip("/") or "pomochi_bench"
        self.raw_name = f"{self.name}_raw"
        self.raw_url = urlunsplit(parts._replace(path=f"/{self.raw_name}"))
        self.admin_url = urlunsplit(parts._replace(path="/postgres"))
        self.where = f"{parts.hostname or 'localhost'}:{parts.port or 5432}"  # no password
        self.server_version = ""

    def _admin(self):
        import psycopg

        return psycopg.connect(self.admin_url, autocommit=True, connect_timeout=5)

    def unreachable(self) -> str | None:
        try:
            with self._admin() as conn:
                self.server_version = conn.execute("SHOW server_version").fetchone()[0]
        except Exception as e:  # any reason at all is a reason to skip, said plainly
            first_line = (str(e).strip().splitlines() or [type(e).__name__])[0]
            return f"PostgreSQL not reachable at {self.where}: {first_line}"
        return None

    def create(self) -> None:
        from psycopg import sql

        with self._admin() as conn:
            for name in (self.raw_name, self.name):
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name)))

    def clone(self) -> None:
        from psycopg import sql

        with self._admin() as conn:
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(self.raw_name), sql.Identifier(self.name)
                )
            )

    def replayer(self) -> "PostgresReplayer":
        return PostgresReplayer(self.raw_url)

    def drop(self) -> None:
        from psycopg import sql

        with self._admin() as conn:
            for name in (self.raw_name, self.name):
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )

    def version(self) -> str:
        return f"PostgreSQL {self.server_version}"


class SQLiteReplayer:
    """The sqlite3 module, connected as Django connects with pomochi's settings."""

    def __init__(self, path: Path):
        # Django's get_connection_params/get_new_connection with settings.py's OPTIONS.
        self.conn = sqlite3.connect(
            str(path),
            timeout=30,
            detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES,
            check_same_thread=False,
            uri=True,
            isolation_level=None,  # Django's autocommit; its atomic sends BEGIN IMMEDIATE
        )
        for pragma in (
            "PRAGMA foreign_keys = ON",
            "PRAGMA legacy_alter_table = OFF",
            "PRAGMA journal_mode=WAL",
            "PRAGMA synchronous=NORMAL",
            "PRAGMA foreign_keys=ON",  # settings.py's init_command repeats Django's own
        ):
            self.conn.execute(pragma)

    @staticmethod
    def prepare(events: list[list[tuple]]) -> list[list[tuple]]:
        return [
            [
                (
                    sql if params is None else FORMAT_QMARK.sub("?", sql).replace("%%", "%"),
                    params,
                    many,
                )
                for sql, params, many in statements
                if not _is_transaction_control(sql)
            ]
            for statements in events
        ]

    def replay(self, events: list[list[tuple]]) -> float:
        conn = self.conn
        started = time.perf_counter()
        for statements in events:
            conn.execute("BEGIN IMMEDIATE")
            cursor = conn.cursor()
            for sql, params, many in statements:
                if many:
                    cursor.executemany(sql, params)
                elif params is None:
                    cursor.execute(sql)
                else:
                    cursor.execute(sql, params)
                if cursor.description is not None:
                    cursor.fetchall()
            conn.commit()
        return time.perf_counter() - started

    def query(self, sql: str) -> list[tuple]:
        return self.conn.execute(sql).fetchall()

    def close(self) -> None:
        self.conn.close()


class PostgresReplayer:
    """psycopg 3, connected as Django connects: client-side binding, no prepared statements."""

    def __init__(self, url: str):
        import psycopg

        self.conn = psycopg.connect(
            url,
            client_encoding="UTF8",
            cursor_factory=psycopg.ClientCursor,  # Django's default (server_side_binding off)
            prepare_threshold=None,
            autocommit=False,  # as inside Django's atomic: psycopg sends BEGIN, we COMMIT
        )
        if self.conn.info.parameter_status("TimeZone") != "UTC":
            self.conn.execute("SET TIME ZONE 'UTC'")  # Django's ensure_timezone (TIME_ZONE)
            self.conn.commit()

    @staticmethod
    def prepare(events: list[list[tuple]]) -> list[list[tuple]]:
        return [
            [statement for statement in statements if not _is_transaction_control(statement[0])]
            for statements in events
        ]

    def replay(self, events: list[list[tuple]]) -> float:
        conn = self.conn
        started = time.perf_counter()
        for statements in events:
            with conn.cursor() as cursor:
                for sql, params, many in statements:
                    if many:
                        cursor.executemany(sql, params)
                    else:
                        cursor.execute(sql, params)
                    if cursor.description is not None:
                        cursor.fetchall()
            conn.commit()
        return time.perf_counter() - started

    def query(self, sql: str) -> list[tuple]:
        rows = self.conn.execute(sql).fetchall()
        self.conn.rollback()
        return rows

    def close(self) -> None:
        self.conn.close()


def _is_transaction_control(sql: str) -> bool:
    return sql.lstrip().upper().startswith(TRANSACTION_CONTROL)


class Recorder:
    """A connection.execute_wrapper keeping what each service call sent to the driver.

    Call `next_event()` before each service call; its statements go to their own list.
    """

    def __init__(self):
        self.events: list[list[tuple]] = []

    def next_event(self) -> None:
        self.events.append([])

    def __call__(self, execute, sql, params, many, context):
        self.events[-1].append((sql, params, many))
        return execute(sql, params, many, context)


def run_backend(args: argparse.Namespace) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="pomochi-bench-"))
    if args.backend == "sqlite":
        databases = SQLiteDatabases(folder)
    else:
        databases = PostgresDatabases(args.postgres_url)
        if reason := databases.unreachable():
            shutil.rmtree(folder, ignore_errors=True)
            return {"skipped": reason}
    os.environ.update(
        {
            "POMOCHI_DATA_DIR": str(folder),
            "DATABASE_URL": databases.url,
            "DJANGO_SETTINGS_MODULE": "pomochi.settings",
            "DEBUG": "0",  # no query log in the timed runs
            "CONN_MAX_AGE": "0",
        }
    )
    replayer = None
    try:
        databases.create()
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        call_command("migrate", verbosity=0, interactive=False)
        village = _village(args.batch)
        connections.close_all()  # PostgreSQL cannot copy a database in use
        databases.clone()
        replayer = databases.replayer()
        return _measure(args, village, replayer, databases.version())
    finally:
        if replayer is not None:
            replayer.close()
        from django.db import connections

        connections.close_all()
        databases.drop()
        shutil.rmtree(folder, ignore_errors=True)


def _village(receivers: int):
    """One community made by the real services: two households, grain, a granary; and
    `receivers` more households for the batch."""
    from pomochi.accounts.models import User
    from pomochi.communities.services import community_create, household_create, resource_create
    from pomochi.ledger.models import PoolKind
    from pomochi.ledger.services import pool_create

    founder = User.objects.create_user(username="olga", password=None)  # no slow hashing
    community = community_create(slug="village", name="Village", founder=founder)
    olga = community.memberships.get(user=founder)  # coordinator and committee
    made_by = {"actor": olga, "community": community}
    grain = resource_create(**made_by, name="grain", unit="kg", kind="consumable", decimal_places=3)
    return {
        "actor": olga,
        "ivanovs": household_create(**made_by, name="Ivanovs", size=4, has_children=True),
        "petrovs": household_create(**made_by, name="Petrovs", size=3),
        "grain": grain,
        "granary": pool_create(**made_by, name="Granary", kind=PoolKind.GRANARY, resources=[grain]),
        "receivers": [
            household_create(**made_by, name=f"Household {i:04d}", size=1 + i % 6)
            for i in range(receivers)
        ],
    }


def _calls(village: dict, count: int) -> list[tuple]:
    """Contributions and distributions, alternating, starting with a contribution."""
    from pomochi.ledger.services import event_contribute, event_distribute

    common = {"actor": village["actor"], "pool": village["granary"], "resource": village["grain"]}
    contribute = dict(common, household=village["ivanovs"], quantity=CONTRIBUTION)
    distribute = dict(common, household=village["petrovs"], quantity=DISTRIBUTION)
    return [
        ("contribute", event_contribute, contribute)
        if i % 2 == 0
        else ("distribute", event_distribute, distribute)
        for i in range(count)
    ]


def _run_services(calls: list[tuple], recorder: Recorder) -> float:
    from django.db import connection

    next_event = recorder.next_event
    with connection.execute_wrapper(recorder):
        started = time.perf_counter()
        for _action, service, kwargs in calls:
            next_event()
            service(**kwargs)
        return time.perf_counter() - started


def _count_statements(calls: list[tuple], recorder: Recorder) -> dict[str, list[int]]:
    """Run the calls counting each one's statements with CaptureQueriesContext (the warm-up)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts: dict[str, list[int]] = {}
    with connection.execute_wrapper(recorder):
        for action, service, kwargs in calls:
            recorder.next_event()
            with CaptureQueriesContext(connection) as captured:
                service(**kwargs)
            statements = [q for q in captured if not _is_transaction_control(q["sql"])]
            recorded = [s for s in recorder.events[-1] if not _is_transaction_control(s[0])]
            if len(statements) != len(recorded):
                raise AssertionError(
                    f"{action}: CaptureQueriesContext saw {len(statements)} statements, "
                    f"execute_wrapper {len(recorded)}"
                )
            counts.setdefault(action, []).append(len(statements))
    return counts


_STATE = (
    "SELECT community_id, seq, hash FROM audit_audithead ORDER BY community_id",
    "SELECT pool_id, resource_id, quantity FROM ledger_holding ORDER BY pool_id, resource_id",
    "SELECT count(*), max(id) FROM ledger_event",
    "SELECT count(*), max(seq) FROM audit_auditentry",
)


def _same_state(replayer) -> None:
    """Both databases must match after each replay, or the comparison would be meaningless."""
    from django.db import connection

    with connection.cursor() as cursor:
        for query in _STATE:
            cursor.execute(query)
            services_rows = [tuple(row) for row in cursor.fetchall()]
            raw_rows = [tuple(row) for row in replayer.query(query)]
            if services_rows != raw_rows:
                raise AssertionError(f"replay diverged: {query}: {services_rows} != {raw_rows}")


def _measure(args: argparse.Namespace, village: dict, replayer, version: str) -> dict:
    import django

    # Warm-up: count statements per call, then replay those calls so the copy keeps up.
    recorder = Recorder()
    counts = _count_statements(_calls(village, args.warmup), recorder)
    replayer.replay(replayer.prepare(recorder.events))
    _same_state(replayer)

    rounds = []
    for _ in range(args.rounds):
        calls = _calls(village, args.events)
        gc.collect()
        services_s = raw_s = 0.0
        # Short alternating stretches, so a burst of load elsewhere on the machine hits both.
        for start in range(0, len(calls), args.chunk):
            recorder = Recorder()
            services_s += _run_services(calls[start : start + args.chunk], recorder)
            raw_s += replayer.replay(replayer.prepare(recorder.events))
        _same_state(replayer)
        rounds.append({"services_s": services_s, "raw_s": raw_s})
        print(
            f"[{args.backend}] round {len(rounds)}: services {args.events / services_s:,.0f}/s,"
            f" raw {args.events / raw_s:,.0f}/s",
            file=sys.stderr,
        )

    batch = _measure_batch(args, village, replayer)

    if args.profile:
        _profile(village, args.events, args.profile)
        _profile_batch(village, args.profile)

    services_per_s = args.events / min(r["services_s"] for r in rounds)
    raw_per_s = args.events / min(r["raw_s"] for r in rounds)
    every = [n for action_counts in counts.values() for n in action_counts]
    return {
        "services_per_s": round(services_per_s, 1),
        "raw_per_s": round(raw_per_s, 1),
        "ratio": round(services_per_s / raw_per_s, 3),
        "statements_per_event": round(sum(every) / len(every), 2),
        "statements_by_action": {
            action: round(sum(n) / len(n), 2) for action, n in sorted(counts.items())
        },
        "events": args.events,
        "rounds": [
            {
                "services_per_s": round(args.events / r["services_s"], 1),
                "raw_per_s": round(args.events / r["raw_s"], 1),
                "ratio": round(r["raw_s"] / r["services_s"], 3),
            }
            for r in rounds
        ],
        **batch,
        "warmup_events": args.warmup,
        "chunk": args.chunk,
        "versions": (
            f"Python {platform.python_version()}, Django {django.get_version()}, {version}"
        ),
        "notes": NOTES,
    }


def _batch(village: dict, number: int):
    """One allocation's worth of distributions, 1 kg to every receiving household, as a call."""
    from pomochi.ledger.services import Cause, Line, events_distribute_batch

    cause = Cause("allocation", number)
    lines = [Line(household=h, quantity=BATCH_SHARE, cause=cause) for h in village["receivers"]]
    common = {"actor": village["actor"], "pool": village["granary"], "resource": village["grain"]}
    # As an allocation round calls it (aid.rounds.round_execute): the ids, not model objects.
    return lambda: events_distribute_batch(**common, lines=lines, return_events=False)


def _measure_batch(args: argparse.Namespace, village: dict, replayer) -> dict:
    """The batch path: one warm-up batch, then one per round, each replayed right after it in
    one transaction on the copy. Rates are distributions per second, best round of each side."""
    from django.db import connection

    from pomochi.ledger.services import event_contribute

    # The stock every batch gives out (warm-up, rounds and a profiled one), put in first.
    recorder = Recorder()
    recorder.next_event()
    with connection.execute_wrapper(recorder):
        event_contribute(
            actor=village["actor"],
            household=village["ivanovs"],
            pool=village["granary"],
            resource=village["grain"],
            quantity=BATCH_SHARE * args.batch * (args.rounds + 2),
        )
    replayer.replay(replayer.prepare(recorder.events))
    _same_state(replayer)

    rounds = []
    statements = 0
    for number in range(args.rounds + 1):  # number 0 is the warm-up
        call = _batch(village, number + 1)
        recorder = Recorder()
        recorder.next_event()
        gc.collect()
        with connection.execute_wrapper(recorder):
            started = time.perf_counter()
            call()
            services_s = time.perf_counter() - started
        prepared = replayer.prepare(recorder.events)
        # What the services left behind (a thousand events, their rows) would otherwise be
        # collected in the middle of the replay: each side starts from a collected heap.
        gc.collect()
        raw_s = replayer.replay(prepared)
        _same_state(replayer)
        statements = len(prepared[0])
        if number == 0:
            continue
        rounds.append({"services_s": services_s, "raw_s": raw_s})
        print(
            f"[{args.backend}] batch {number}: services {args.batch / services_s:,.0f}/s,"
            f" raw {args.batch / raw_s:,.0f}/s",
            file=sys.stderr,
        )
    batch_per_s = args.batch / min(r["services_s"] for r in rounds)
    raw_batch_per_s = args.batch / min(r["raw_s"] for r in rounds)
    return {
        "batch_per_s": round(batch_per_s, 1),
        "raw_batch_per_s": round(raw_batch_per_s, 1),
        "batch_ratio": round(batch_per_s / raw_batch_per_s, 3),
        "batch_lines": args.batch,
        "batch_statements": statements,
        "batch_rounds": [
            {
                "batch_per_s": round(args.batch / r["services_s"], 1),
                "raw_batch_per_s": round(args.batch / r["raw_s"], 1),
                "ratio": round(r["raw_s"] / r["services_s"], 3),
            }
            for r in rounds
        ],
    }


def _profile_batch(village: dict, top: int) -> None:
    """One more batch under cProfile (not replayed, not timed), top N to stderr."""
    call = _batch(village, 0)
    profiler = cProfile.Profile()
    profiler.enable()
    call()
    profiler.disable()
    stats = pstats.Stats(profiler, stream=sys.stderr)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)


def _profile(village: dict, count: int, top: int) -> None:
    """One more services round under cProfile (not replayed, not timed), top N to stderr."""
    calls = _calls(village, count)
    profiler = cProfile.Profile()
    profiler.enable()
    for _action, service, kwargs in calls:
        service(**kwargs)
    profiler.disable()
    stats = pstats.Stats(profiler, stream=sys.stderr)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)


if __name__ == "__main__":
    main()
