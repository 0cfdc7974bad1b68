"""A whole allocation round against the ledger batch it rests on, in the same run.

    .venv/bin/python benchmarks/rounds.py [--shares 10000] [--repeat 3]

One throwaway database: a SQLite file in a temporary folder, or, when DATABASE_URL names a
PostgreSQL server, a database `<its name>_rounds` on that server, created and dropped here. The
village is one community with two of the committee (the bylaws' quorum), a granary of grain and
--shares households, each with one member online and one need of 100 kg; the households,
members and needs are inserted in bulk (untimed), the rest made by the real services.

Each repeat times, on the same needs and households:

- round: `round_open` over all the needs (10 kg among them under max-min: 1 kg each), the
  two approvals (`round_decide`) and `round_execute` (the recheck of every need under lock, the
  ledger batch, the needs met, one notification per member);
- batch: `ledger.services.events_distribute_batch` alone, with the same lines (1 kg to each
  household), in its own transaction.

The two alternate; each keeps its best repeat, after gc.collect(). ratio = round_s / batch_s;
the target is ≤ 1.5 (execute_ratio = execute_s / batch_s: carrying out alone). Statements are
counted with connection.execute_wrapper (an executemany counts once; BEGIN and COMMIT are not
statements there): open_statements, execute_statements, round_statements (open, both
approvals and execute) and batch_statements. The last line on stdout is one JSON object.
"""

import argparse
import gc
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

NEED = 100_000  # grams asked by each household: many rounds' worth
SHARE = 1_000  # grams to each household per round (and per batch)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shares", type=int, default=10_000, help="needs in the round")
    parser.add_argument("--repeat", type=int, default=3, help="rounds and batches; best counts")
    args = parser.parse_args()
    if not 1 <= args.shares <= 10_000 or args.repeat < 1:
        parser.error("need 1 ≤ --shares ≤ 10,000 (a round's maximum) and --repeat ≥ 1")
    folder = Path(tempfile.mkdtemp(prefix="pomochi-rounds-"))
    server = os.environ.get("DATABASE_URL", "")
    postgres = server.startswith(("postgres://", "postgresql://"))
    url = _scratch_postgres(server) if postgres else f"sqlite:///{folder / 'rounds.sqlite3'}"
    os.environ.update(
        {
            "POMOCHI_DATA_DIR": str(folder),
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "pomochi.settings",
            "DEBUG": "0",  # no query log in the timed runs
            "CONN_MAX_AGE": "0",
        }
    )
    try:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
        result = _measure(args, _village(args.shares))
    finally:
        from django.db import connections

        connections.close_all()
        if postgres:
            _drop_postgres(url)
        shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps(result), flush=True)


def _scratch_postgres(server: str) -> str:
    import psycopg
    from psycopg import sql

    parts = urlsplit(server)
    name = f"{parts.path.lstrip('/') or 'pomochi'}_rounds"
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return urlunsplit(parts._replace(path=f"/{name}"))


def _drop_postgres(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        name = parts.path.lstrip("/")
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def _village(n: int) -> dict:
    from django.utils import timezone

    from pomochi.accounts.models import User
    from pomochi.aid.models import Need
    from pomochi.communities.invitations import invitation_accept, invitation_create
    from pomochi.communities.models import Household, Membership
    from pomochi.communities.services import (
        community_create,
        household_create,
        membership_set_roles,
        resource_create,
    )
    from pomochi.ledger.models import PoolKind
    from pomochi.ledger.services import event_contribute, pool_create

    founder = User.objects.create_user(username="olga", password=None)  # no slow hashing
    community = community_create(slug="village", name="Village", founder=founder)
    olga = community.memberships.get(user=founder)  # coordinator and committee
    made_by = {"actor": olga, "community": community}
    issued = invitation_create(**made_by)
    vera = invitation_accept(user=User.objects.create_user(username="vera"), code=issued.code)
    vera = membership_set_roles(actor=olga, membership=vera, committee=True)
    grain = resource_create(**made_by, name="grain", unit="kg", kind="consumable", decimal_places=3)
    granary = pool_create(**made_by, name="Granary", kind=PoolKind.GRANARY, resources=[grain])
    ivanovs = household_create(**made_by, name="Ivanovs", size=4)
    # Stock for every round and batch of the run, given once.
    event_contribute(actor=olga, household=ivanovs, pool=granary, resource=grain, quantity=10**12)
    households = Household.objects.bulk_create(
        [
            Household(community=community, name=f"Household {i:05d}", size=1 + i % 6)
            for i in range(n)
        ]
    )
    users = User.objects.bulk_create([User(username=f"member{i:05d}") for i in range(n)])
    Membership.objects.bulk_create(
        [
            Membership(user=u, community=community, household=h)
            for u, h in zip(users, households, strict=True)
        ]
    )
    now = timezone.now()
    needs = Need.objects.bulk_create(
        [
            Need(
                community=community,
                household=h,
                resource=grain,
                quantity=NEED,
                created_at=now,
                created_by=olga,
            )
            for h in households
        ]
    )
    return {
        "olga": olga,
        "vera": vera,
        "grain": grain,
        "granary": granary,
        "households": households,
        "needs": needs,
    }


class Counter:
    """A connection.execute_wrapper counting statements (an executemany counts once)."""

    def __init__(self):
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)


def _round(v: dict) -> dict:
    from django.db import connection

    from pomochi.aid.rounds import round_decide, round_execute, round_open

    counted = Counter()
    with connection.execute_wrapper(counted):
        started = time.perf_counter()
        round_ = round_open(
            actor=v["olga"],
            pool=v["granary"],
            resource=v["grain"],
            quantity=SHARE * len(v["needs"]),
            needs=v["needs"],
            rule="max_min",
        )
        opened = time.perf_counter()
        after_open = counted.n
        round_decide(actor=v["vera"], round=round_, approve=True)
        round_ = round_decide(actor=v["olga"], round=round_, approve=True)
        approved = time.perf_counter()
        before = counted.n
        round_execute(actor=v["olga"], round=round_)
        done = time.perf_counter()
    return {
        "round_s": done - started,
        "open_s": opened - started,
        "approve_s": approved - opened,
        "execute_s": done - approved,
        "open_statements": after_open,
        "execute_statements": counted.n - before,
        "round_statements": counted.n,
    }


def _batch(v: dict) -> dict:
    from django.db import connection

    from pomochi.ledger.services import Line, events_distribute_batch

    lines = [Line(household=h, quantity=SHARE) for h in v["households"]]
    counted = Counter()
    with connection.execute_wrapper(counted):
        started = time.perf_counter()
        events_distribute_batch(
            actor=v["olga"],
            pool=v["granary"],
            resource=v["grain"],
            lines=lines,
            return_events=False,
        )
        done = time.perf_counter()
    return {"batch_s": done - started, "batch_statements": counted.n}


def _measure(args: argparse.Namespace, v: dict) -> dict:
    from django.db import connection

    runs = []
    for i in range(args.repeat):
        gc.collect()
        batch = _batch(v)
        gc.collect()
        round_ = _round(v)
        runs.append(round_ | batch)
        print(
            f"[{connection.vendor}] repeat {i + 1}: round {round_['round_s']:.3f} s "
            f"(open {round_['open_s']:.3f}, execute {round_['execute_s']:.3f}), "
            f"batch {batch['batch_s']:.3f} s",
            file=sys.stderr,
        )
    best_round = min(runs, key=lambda r: r["round_s"])
    best_batch = min(r["batch_s"] for r in runs)
    return {
        "backend": connection.vendor,
        "shares": len(v["needs"]),
        "round_s": round(best_round["round_s"], 4),
        "open_s": round(best_round["open_s"], 4),
        "approve_s": round(best_round["approve_s"], 4),
        "execute_s": round(best_round["execute_s"], 4),
        "batch_s": round(best_batch, 4),
        "ratio": round(best_round["round_s"] / best_batch, 3),
        "execute_ratio": round(best_round["execute_s"] / best_batch, 3),
        "open_statements": best_round["open_statements"],
        "execute_statements": best_round["execute_statements"],
        "round_statements": best_round["round_statements"],
        "batch_statements": runs[0]["batch_statements"],
        "runs": [
            {k: round(x, 4) if isinstance(x, float) else x for k, x in r.items()} for r in runs
        ],
    }


if __name__ == "__main__":
    main()
