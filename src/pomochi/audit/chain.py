"""The hash chain as pure functions: the same code writes the chain and verifies it."""

import hashlib
import json
from datetime import UTC, datetime
from functools import lru_cache

from pomochi.audit.models import GENESIS_HASH

__all__ = ["GENESIS_HASH", "canonical_json", "chain_hash", "digest", "entry_payload", "iso"]


# json.dumps with these options would build this encoder on every call.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_json(value) -> str:
    """One text per value: sorted keys, no spaces, UTF-8. Hashes depend on it: never change."""
    return _CANONICAL.encode(value)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def chain_hash(seq: int, prev_hash: str, payload_digest: str) -> str:
    return hashlib.sha256(f"{seq}|{prev_hash}|{payload_digest}".encode()).hexdigest()


@lru_cache(maxsize=256)  # a batch stamps a thousand entries with the same moments
def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def entry_payload(
    *,
    verb: str,
    object_type: str,
    object_id: int | None,
    actor_id: int | None,
    household_id: int | None,
    at: datetime,
    data: dict,
) -> str:
    return canonical_json(
        {
            "actor": actor_id,
            "at": iso(at),
            "data": data,
            "household": household_id,
            "object": [object_type, object_id],
            "verb": verb,
        }
    )
