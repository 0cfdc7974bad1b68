"""The hash chain as pure functions: the same code writes the chain and verifies it."""

import hashlib
import json
import secrets
from datetime import UTC, datetime
from functools import lru_cache

from pomochi.audit.models import GENESIS_HASH

__all__ = [
    "CURRENT_VERSION",
    "GENESIS_HASH",
    "canonical_json",
    "chain_hash",
    "digest",
    "entry_payload",
    "iso",
    "new_salt",
    "payload_digest",
]

# The format every new entry is written in; verification still reads every older one.
CURRENT_VERSION = 2
SALT_BYTES = 16  # 128 bits: far beyond trying them all


# json's own string encoder (the C one where available), as ensure_ascii=False uses it.
_encode_string = json.encoder.encode_basestring

# json.dumps with these options would build this encoder on every call.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_json(value) -> str:
    """One text per value: sorted keys, no spaces, UTF-8. Hashes depend on it: never change."""
    return _CANONICAL.encode(value)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def new_salt() -> str:
    """A fresh salt for one entry, as 32 lowercase hex digits (from the OS's secure source)."""
    return secrets.token_hex(SALT_BYTES)


def payload_digest(*, version: int, salt: str, payload: str) -> str:
    """The digest an entry of this format version records for its payload.

    Version 1: SHA-256(payload). Version 2: SHA-256(salt ‖ payload), the salt's 32 hex digits
    followed by the payload's UTF-8 bytes; fixed-length, so salt and payload cannot be re-cut.
    Raises ValueError for a version or salt that no pomochi wrote.
    """
    if version == 1:
        if salt:
            raise ValueError("a version 1 entry has no salt")
        return digest(payload)
    if version == 2:
        if len(salt) != 2 * SALT_BYTES or salt.strip("0123456789abcdef"):
            raise ValueError("a version 2 entry needs a salt of 32 hex digits")
        return digest(salt + payload)
    raise ValueError(f"unknown audit format version {version}")


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
    private: bool = False,
) -> str:
    """The canonical payload of an entry. "private" appears only when true, so every payload
    written before it existed reads the same."""
    fields = {
        "actor": actor_id,
        "at": iso(at),
        "data": data,
        "household": household_id,
        "object": [object_type, object_id],
        "verb": verb,
    }
    if private:
        fields["private"] = True
    return canonical_json(fields)


class PayloadTemplate:
    """The canonical payloads of many entries that differ only in a few values.

    A batch (an allocation of a thousand distributions) writes entries alike but for the object,
    the household and a few data values: the JSON of everything else is built once, and each
    payload is the template with the varying values encoded into their slots. The result is
    byte-identical to `entry_payload` (tests/audit/test_chain.py proves it), so the chain and its
    verification are unchanged.
    """

    _MARK = "\ue000"  # a private-use character: never in a verb, a type or a timestamp

    def __init__(
        self,
        *,
        verb: str,
        object_type: str,
        actor_id: int | None,
        at: datetime,
        data: dict,
        varying: tuple[str, ...],
    ):
        slots = ("object_id", "household_id", *varying)
        marker = {slot: f"{self._MARK}{i}{self._MARK}" for i, slot in enumerate(slots)}
        text = entry_payload(
            verb=verb,
            object_type=object_type,
            object_id=marker["object_id"],
            actor_id=actor_id,
            household_id=marker["household_id"],
            at=at,
            data=data | {key: marker[key] for key in varying},
        )
        self.parts: list[str] = []
        self.order: list[str] = []
        rest = text
        while True:
            positions = [
                (rest.find(f'"{m}"'), slot) for slot, m in marker.items() if f'"{m}"' in rest
            ]
            if not positions:
                break
            at_index, slot = min(positions)
            self.parts.append(rest[:at_index])
            self.order.append(slot)
            rest = rest[at_index + len(marker[slot]) + 2 :]
        self.parts.append(rest)
        if sorted(self.order) != sorted(slots):
            raise ValueError("every varying value must appear once in the payload")
        # Where each slot's value sits in a row (object_id, household_id, *varying).
        self._positions = [slots.index(slot) for slot in self.order]
        # One str.format per payload, its fixed text escaped: C speed for the joining.
        escaped = [part.replace("{", "{{").replace("}", "}}") for part in self.parts]
        self._format = "{}".join(escaped).format

    def render(self, values: dict) -> str:
        """values: object_id, household_id and each varying data key → its value."""
        return self._format(*[_encode(values[slot]) for slot in self.order])

    def render_row(self, row: tuple) -> str:
        """The same, from a row (object_id, household_id, *the varying values in order): no dict
        per entry, for batches of thousands."""
        return self._format(*[_encode(row[i]) for i in self._positions])


def _encode(value) -> str:
    """canonical_json for the values a batch varies, without the encoder's per-call cost."""
    if value is None:
        return "null"
    kind = type(value)
    if kind is int:
        return str(value)
    if kind is str:
        return _encode_string(value)
    if (
        (kind is list or kind is tuple)
        and len(value) == 2
        and type(value[0]) is str
        and type(value[1]) is int
    ):
        return f"[{_encode_string(value[0])},{value[1]}]"  # a cause: [type, id], or (type, id)
    return canonical_json(value)
