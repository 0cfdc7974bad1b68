"""The ledger's hot path in plain SQL, portable between SQLite (≥ 3.35) and PostgreSQL.

Kept in this one small module on purpose: it runs for every event, and the ORM's own overhead was
several times the cost of the statements themselves (see benchmarks/ledger.py). The same tests
cover it as the rest of the ledger.
"""

import json

from django.db import connection
from django.db.models.expressions import RawSQL

EVENT_COLUMNS = (
    "community_id",
    "action",
    "resource_id",
    "quantity",
    "provider_household_id",
    "provider_pool_id",
    "receiver_household_id",
    "receiver_pool_id",
    "occurred_at",
    "recorded_at",
    "recorded_by_id",
    "cause_type",
    "cause_id",
    "reverses_id",
    "note",
)
_INSERT_EVENT = (
    f"INSERT INTO ledger_event ({', '.join(EVENT_COLUMNS)}) "
    f"VALUES ({', '.join(['%s'] * len(EVENT_COLUMNS))}) RETURNING id"
)


def holding_add(
    cursor, *, pool_id: int, resource_id: int, quantity: int, kept_only: bool = True
) -> bool:
    """Put stock into a store; False, changing nothing, if the store does not keep the resource
    (kept_only; a reversal gives back what was taken and is not asked). One statement: the
    check costs no round trip of its own."""
    kept = (
        "EXISTS (SELECT 1 FROM ledger_pool_resources WHERE pool_id = %s AND resourcetype_id = %s)"
        if kept_only
        else "1 = 1"
    )
    cursor.execute(
        "INSERT INTO ledger_holding (pool_id, resource_id, quantity)"
        " SELECT CAST(%s AS BIGINT), CAST(%s AS BIGINT), CAST(%s AS BIGINT)"
        f" WHERE {kept} "
        "ON CONFLICT (pool_id, resource_id) "
        "DO UPDATE SET quantity = ledger_holding.quantity + excluded.quantity",
        [pool_id, resource_id, quantity, *([pool_id, resource_id] if kept_only else [])],
    )
    return cursor.rowcount == 1


def holding_take(cursor, *, pool_id: int, resource_id: int, quantity: int) -> bool:
    """Take stock if there is enough, in one statement, so two racing takers cannot both win.

    On PostgreSQL the second waits for the first's row lock and re-checks the condition; on
    SQLite the IMMEDIATE transaction has already serialised them.
    """
    cursor.execute(
        "UPDATE ledger_holding SET quantity = quantity - %s "
        "WHERE pool_id = %s AND resource_id = %s AND quantity >= %s",
        [quantity, pool_id, resource_id, quantity],
    )
    return cursor.rowcount == 1


def holding_quantity(cursor, *, pool_id: int, resource_id: int) -> int:
    cursor.execute(
        "SELECT quantity FROM ledger_holding WHERE pool_id = %s AND resource_id = %s",
        [pool_id, resource_id],
    )
    row = cursor.fetchone()
    return row[0] if row else 0


def event_insert(cursor, values: dict) -> int:
    cursor.execute(_INSERT_EVENT, [values[column] for column in EVENT_COLUMNS])
    return cursor.fetchone()[0]


def idempotency_claim(
    cursor, *, community_id: int, actor_id: int, key: str, fingerprint: str, created_at
) -> bool:
    """Claim a key for this request; False if it was claimed before (by a committed request).

    On PostgreSQL a concurrent claim of the same key waits here until the first commits.
    """
    cursor.execute(
        "INSERT INTO ledger_idempotencyrecord (community_id, actor_id, key, fingerprint,"
        " created_at) VALUES (%s, %s, %s, %s, %s) ON CONFLICT (actor_id, key) DO NOTHING",
        [community_id, actor_id, key, fingerprint, created_at],
    )
    return cursor.rowcount == 1


def idempotency_lookup(cursor, *, actor_id: int, key: str) -> tuple[str, int | None]:
    cursor.execute(
        "SELECT fingerprint, event_id FROM ledger_idempotencyrecord"
        " WHERE actor_id = %s AND key = %s",
        [actor_id, key],
    )
    return cursor.fetchone()


def idempotency_complete(cursor, *, actor_id: int, key: str, event_id: int) -> None:
    cursor.execute(
        "UPDATE ledger_idempotencyrecord SET event_id = %s WHERE actor_id = %s AND key = %s",
        [event_id, actor_id, key],
    )


# SQL types for the per-line columns of a batch: VALUES rows carry no column types of their own.
_CASTS = {
    "quantity": "BIGINT",
    "receiver_household_id": "BIGINT",
    "cause_type": "VARCHAR(40)",
    "cause_id": "BIGINT",
    "note": "TEXT",
}


def events_insert_many(
    cursor, *, shared: dict, varying: tuple[str, ...], rows: list[tuple], chunk: int = 500
) -> dict[int, int]:
    """Insert many events; return {receiver_household_id: event id}.

    What all the events share (`shared`: column → value; None columns are left to their NULL
    default) is sent once per statement and only the `varying` columns once per row, as
    INSERT … SELECT … FROM (VALUES …): a third of the parameters of a plain multi-row INSERT.
    Mapped by receiver rather than by position: neither database promises RETURNING in VALUES
    order, so a batch has at most one line per receiving household.
    """
    constant = {column: value for column, value in shared.items() if value is not None}
    columns = [*constant, *varying]
    selected = ["%s"] * len(constant) + [
        f"CAST(v.column{i} AS {_CASTS[column]})" for i, column in enumerate(varying, start=1)
    ]
    row_marks = "(" + ", ".join(["%s"] * len(varying)) + ")"
    ids: dict[int, int] = {}
    for start in range(0, len(rows), chunk):
        part = rows[start : start + chunk]
        cursor.execute(
            f"INSERT INTO ledger_event ({', '.join(columns)}) SELECT {', '.join(selected)}"
            f" FROM (VALUES {', '.join([row_marks] * len(part))}) AS v"
            " RETURNING id, receiver_household_id",
            [*constant.values(), *(value for row in part for value in row)],
        )
        ids.update({household: event_id for event_id, household in cursor.fetchall()})
    return ids


def ids_subquery(ids) -> RawSQL:
    """A subquery of these ids for an `__in` lookup, sent as one JSON parameter rather than one
    placeholder per id (a round names up to 10,000 needs, a search of notes
    as many events as match)."""
    text = json.dumps([int(i) for i in ids])
    if connection.vendor == "postgresql":
        return RawSQL(
            "SELECT CAST(value AS BIGINT) FROM jsonb_array_elements_text(CAST(%s AS jsonb))",
            [text],
        )
    return RawSQL("SELECT value FROM json_each(%s)", [text])
