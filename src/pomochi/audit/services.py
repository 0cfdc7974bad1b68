"""Appending to a community's chain. Only services call this, inside their own transaction."""

from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

from pomochi.audit.chain import GENESIS_HASH, chain_hash, digest, entry_payload
from pomochi.audit.models import AuditHead


@dataclass(frozen=True)
class Appended:
    seq: int
    hash: str


def audit_head_create(*, community_id: int) -> None:
    AuditHead.objects.create(community_id=community_id, seq=0, hash=GENESIS_HASH)


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
) -> Appended:
    """Append one entry. Must run inside the transaction of the change it records.

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
        )
        payload_digest = digest(payload)
        new_hash = chain_hash(seq, prev_hash, payload_digest)
        cursor.execute(
            "INSERT INTO audit_auditentry (community_id, seq, at, actor_id, verb, object_type,"
            " object_id, household_id, payload, payload_digest, prev_hash, hash)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [
                community_id,
                seq,
                connection.ops.adapt_datetimefield_value(at),
                actor_id,
                verb,
                object_type,
                object_id,
                household_id,
                payload,
                payload_digest,
                prev_hash,
                new_hash,
            ],
        )
        cursor.execute(
            "UPDATE audit_audithead SET hash = %s WHERE community_id = %s", [new_hash, community_id]
        )
    return Appended(seq=seq, hash=new_hash)
