"""Recompute a community's chain and cross-check it against the rows it describes.

Apps whose rows are recorded in the chain register a cross-check (ledger: events), so editing a
table directly, behind the services, is caught too.
"""

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import connection

from pomochi.audit.chain import GENESIS_HASH, chain_hash, iso, payload_digest
from pomochi.audit.models import AuditEntry, AuditHead
from pomochi.audit.triggers import trigger_problems

# object_type → function(community_id) yielding (object_id, data that its entry must record)
CROSS_CHECKS: dict[str, Callable[[int], Iterable[tuple[int, dict]]]] = {}


# Further invariants an app guarantees, checked after the chain: function(community_id) → problem
INVARIANTS: list[Callable[[int], str | None]] = []


def register_cross_check(object_type: str, rows: Callable[[int], Iterable[tuple[int, dict]]]):
    CROSS_CHECKS[object_type] = rows


def register_invariant(check: Callable[[int], str | None]) -> None:
    if check not in INVARIANTS:
        INVARIANTS.append(check)


@dataclass
class Verdict:
    ok: bool
    entries: int
    head: str
    problem: str = ""
    bad_seq: int | None = None


def verify_triggers() -> list[str]:
    return trigger_problems(connection)


def verify_community(community_id: int) -> Verdict:
    prev = GENESIS_HASH
    expected_seq = 1
    recorded: dict[str, dict[int, tuple[int, dict]]] = {t: {} for t in CROSS_CHECKS}
    entries = AuditEntry.objects.filter(community_id=community_id).order_by("seq")
    count = 0

    def fail(seq, problem):
        return Verdict(ok=False, entries=count, head=prev, problem=problem, bad_seq=seq)

    salted_from = None  # the first version 2 entry: nothing after it was written unsalted
    for e in entries.iterator(chunk_size=2000):
        count += 1
        if e.seq != expected_seq:
            return fail(expected_seq, f"seq {expected_seq} is missing (next entry has seq {e.seq})")
        if e.prev_hash != prev:
            return fail(e.seq, "prev_hash does not match the hash of the entry before")
        try:
            recomputed = payload_digest(version=e.version, salt=e.salt, payload=e.payload)
        except ValueError as error:
            return fail(e.seq, str(error))
        if recomputed != e.payload_digest:
            return fail(e.seq, "payload does not match its digest")
        if e.version >= 2 and salted_from is None:
            salted_from = e.seq
        elif e.version < 2 and salted_from is not None:
            return fail(e.seq, f"an unsalted entry after salted entry {salted_from}")
        if chain_hash(e.seq, e.prev_hash, e.payload_digest) != e.hash:
            return fail(e.seq, "hash is not SHA-256(seq ‖ prev ‖ digest)")
        try:
            payload = json.loads(e.payload)
        except ValueError:
            return fail(e.seq, "payload is not JSON")
        columns = {
            "verb": e.verb,
            "object": [e.object_type, e.object_id],
            "actor": e.actor_id,
            "household": e.household_id,
            "at": iso(e.at),
        }
        if payload.get("private", False) is not e.private:
            return fail(e.seq, "column private differs from the hashed payload")
        for name, value in columns.items():
            if payload.get(name) != value:
                return fail(e.seq, f"column {name} differs from the hashed payload")
        if e.object_type in recorded:
            if e.object_id in recorded[e.object_type]:
                return fail(e.seq, f"{e.object_type} {e.object_id} is recorded twice")
            recorded[e.object_type][e.object_id] = (e.seq, payload.get("data"))
        prev = e.hash
        expected_seq += 1

    head = AuditHead.objects.filter(community_id=community_id).first()
    if head is None or head.seq != count or head.hash != prev:
        return fail(count, "the head does not point at the last entry")

    for object_type, rows in CROSS_CHECKS.items():
        entries_of_type = recorded[object_type]
        for object_id, data in rows(community_id):
            if object_id not in entries_of_type:
                return fail(None, f"{object_type} {object_id} has no audit entry")
            seq, recorded_data = entries_of_type.pop(object_id)
            if recorded_data != data:
                return fail(seq, f"{object_type} {object_id} differs from its audit entry")
        if entries_of_type:
            object_id, (seq, _) = min(entries_of_type.items(), key=lambda item: item[1][0])
            return fail(seq, f"{object_type} {object_id} is in the chain but not in the table")

    for check in INVARIANTS:
        if problem := check(community_id):
            return fail(None, problem)
    return Verdict(ok=True, entries=count, head=prev)
