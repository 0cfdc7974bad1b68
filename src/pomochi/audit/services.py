"""Appending to a community's chain. Only services call this, inside their own transaction."""

from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

from pomochi.audit.chain import (
    CURRENT_VERSION,
    GENESIS_HASH,
    PayloadTemplate,
    chain_hash,
    entry_payload,
    new_salt,
    payload_digest,
)
from pomochi.audit.models import AuditHead


@dataclass(frozen=True)
class Appended:
    seq: int
    hash: str


def audit_head_create(*, community_id: int) -> None:
    AuditHead.objects.create(community_id=community_id, seq=0, hash=GENESIS_HASH)


_INSERT_ENTRY = (
    "INSERT INTO audit_auditentry (community_id, seq, at, actor_id, verb, object_type,"
    " object_id, household_id, private, payload, version, salt, payload_digest, prev_hash,"
    " hash) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)


def audit_append_alike(
    *,
    community_id: int,
    actor_id: int | None,
    verb: str,
    object_type: str,
    data: dict,
    varying: tuple[str, ...],
    rows: list[tuple],
    at: datetime | None = None,
    cursor: CursorWrapper | None = None,
) -> Appended:
    """Append entries alike but for a few values, with one bump of the head.

    rows: (object_id, household_id, *the values of `varying`, in that order) per entry; `data`
    gives every other key of the entries' data. The payloads are rendered from one template,
    byte-identical to entry_payload's (tests/audit/test_payload_template.py).
    """
    if not rows:
        raise ValueError("no entries to append")
    at = at or timezone.now()
    template = PayloadTemplate(
        verb=verb, object_type=object_type, actor_id=actor_id, at=at, data=data, varying=varying
    )
    render = template.render_row
    payloads = [(verb, object_type, row[0], row[1], False, render(row)) for row in rows]
    return _append_payloads(
        community_id=community_id, actor_id=actor_id, at=at, payloads=payloads, cursor=cursor
    )


def _append_payloads(*, community_id, actor_id, at, payloads, cursor) -> Appended:
    """Chain and insert (verb, object type, object id, household id, private, payload) rows."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit_append_alike must run inside the transaction of the change")
    db_at = connection.ops.adapt_datetimefield_value(at)
    with connection.cursor() if cursor is None else nullcontext(cursor) as cursor:
        cursor.execute(
            "UPDATE audit_audithead SET seq = seq + %s WHERE community_id = %s RETURNING seq, hash",
            [len(payloads), community_id],
        )
        row = cursor.fetchone()
        if row is None:
            raise RuntimeError(f"community {community_id} has no audit head")
        last_seq, prev_hash = row
        seq = last_seq - len(payloads)
        rows = []
        for verb, object_type, object_id, household_id, private, payload in payloads:
            seq += 1
            salt = new_salt()
            digest = payload_digest(version=CURRENT_VERSION, salt=salt, payload=payload)
            new_hash = chain_hash(seq, prev_hash, digest)
            rows.append(
                (
                    community_id,
                    seq,
                    db_at,
                    actor_id,
                    verb,
                    object_type,
                    object_id,
                    household_id,
                    private,
                    payload,
                    CURRENT_VERSION,
                    salt,
                    digest,
                    prev_hash,
                    new_hash,
                )
            )
            prev_hash = new_hash
        cursor.executemany(_INSERT_ENTRY, rows)
        cursor.execute(
            "UPDATE audit_audithead SET hash = %s WHERE community_id = %s",
            [prev_hash, community_id],
        )
    return Appended(seq=seq, hash=prev_hash)


def audit_append(
    *,
    community_id: int,
    actor_id: int | None,
    verb: str,
    object_type: str,
    object_id: int | None,
    data: dict,
    household_id: int | None = None,
    at: datetime | None = None,
    cursor: CursorWrapper | None = None,
    private: bool = False,
) -> Appended:
    """Append one entry. Must run inside the transaction of the change it records.

    `private`: the payload is for coordinators and the committee only (a note that may name
    people), even when the entry is about no household.

    The head row is bumped first: on PostgreSQL that row lock queues concurrent appends of the
    same community; on SQLite the IMMEDIATE transaction already holds the write lock.
    Plain SQL on purpose: it runs once per ledger event, the hot path (benchmarks/ledger.py).
    """
    if not connection.in_atomic_block:
        raise RuntimeError("audit_append must run inside the transaction of the change")
    at = at or timezone.now()
    # The ledger passes the cursor of its own statements: one cursor per event, not two.
    with connection.cursor() if cursor is None else nullcontext(cursor) as cursor:
        cursor.execute(
            "UPDATE audit_audithead SET seq = seq + 1 WHERE community_id = %s RETURNING seq, hash",
            [community_id],
        )
        row = cursor.fetchone()
        if row is None:
            raise RuntimeError(f"community {community_id} has no audit head")
        seq, prev_hash = row
        payload = entry_payload(
            verb=verb,
            object_type=object_type,
            object_id=object_id,
            actor_id=actor_id,
            household_id=household_id,
            at=at,
            data=data,
            private=private,
        )
        salt = new_salt()
        digest = payload_digest(version=CURRENT_VERSION, salt=salt, payload=payload)
        new_hash = chain_hash(seq, prev_hash, digest)
        cursor.execute(
            _INSERT_ENTRY,
            [
                community_id,
                seq,
                connection.ops.adapt_datetimefield_value(at),
                actor_id,
                verb,
                object_type,
                object_id,
                household_id,
                private,
                payload,
                CURRENT_VERSION,
                salt,
                digest,
                prev_hash,
                new_hash,
            ],
        )
        cursor.execute(
            "UPDATE audit_audithead SET hash = %s WHERE community_id = %s", [new_hash, community_id]
        )
    return Appended(seq=seq, hash=new_hash)
