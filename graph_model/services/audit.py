"""The tamper-evident audit log: hash-chained events and their verification.

Each event's hash is SHA-256 over the canonical JSON of its stored fields, including
the previous event's hash, so editing, removing or reordering any stored event breaks
every later link. ``verify`` recomputes the chain from the stored content alone.
"""

from __future__ import annotations

import hashlib
from json.encoder import encode_basestring as _json_text
from dataclasses import dataclass
from typing import Any, Iterable

from ..errors import AuditChainBroken
from ..schema import canonical_json
from ..store.base import GraphStore, Statement, batched

HASHED_FIELDS = ("seq", "prev_hash", "actor", "action", "target", "target_kind", "reason", "at", "changes")
PAGE = 5000


@dataclass(frozen=True)
class Change:
    """One recorded change: what happened to which target, with field-level details."""

    action: str          # e.g. artifact.create, ownership.open, version.update
    target_kind: str     # artifact | version | person | team | commit | run
    target: str          # the target's natural key
    details: dict


#: the hashed fields in the order canonical JSON writes them (sorted keys)
_SORTED_FIELDS = tuple((k, f'"{k}":') for k in sorted(HASHED_FIELDS))


def event_hash(event: dict) -> str:
    """SHA-256 (hex) of the event's hashed fields in canonical JSON."""
    return hashlib.sha256(_canonical_fields(event).encode("utf-8")).hexdigest()


def _canonical_fields(event: dict) -> str:
    """``canonical_json`` of the hashed fields, written field by field when every value is
    text, a whole number or null (every event the write path makes): the general encoder
    over a fresh dict was half of a Neo4j bulk load's audit time. Any other value takes
    the general encoder (tests compare the two forms)."""
    parts = []
    for key, prefix in _SORTED_FIELDS:
        value = event.get(key)
        kind = type(value)
        if kind is str:
            parts.append(prefix + _json_text(value))
        elif kind is int:
            parts.append(prefix + int.__repr__(value))
        elif value is None:
            parts.append(prefix + "null")
        else:
            return canonical_json({k: event.get(k) for k in HASHED_FIELDS})
    return "{" + ",".join(parts) + "}"


def chain_events(head: dict, changes: Iterable[Change], actor: str, reason: str | None,
                 at: int) -> list[dict]:
    """Turn changes into stored events, each chained to the one before it."""
    seq, prev = int(head.get("seq") or 0), head.get("hash") or ""
    events = []
    for change in changes:
        seq += 1
        event = {
            "seq": seq, "prev_hash": prev, "actor": actor, "action": change.action,
            "target": change.target, "target_kind": change.target_kind, "reason": reason,
            "at": at, "changes": canonical_json(change.details),
        }
        event["hash"] = prev = event_hash(event)
        events.append(event)
    return events


def append_statements(events: list[dict]) -> list[Statement]:
    """Statements that store ``events`` and move the head, for the same write unit."""
    if not events:
        return []
    stmts = [Statement("append_audit", {"rows": rows}) for rows in batched(events)]
    stmts.append(Statement("set_audit_head", {"seq": events[-1]["seq"], "hash": events[-1]["hash"]}))
    return stmts


def verify(store: GraphStore) -> int:
    """Walk the whole chain; return the number of events.

    Raises:
        AuditChainBroken: naming the first event whose content no longer matches its
            hash, whose link to its predecessor is wrong, that is missing or stored
            twice (the stored events are counted too: a repeated number at a page's
            edge escapes the ordered walk).
    """
    expected_seq, prev, count = 1, "", 0
    after = 0
    while True:
        page = store.read("audit_events_page", after=after, limit=PAGE)
        for event in page:
            _check(event, expected_seq, prev)
            prev, expected_seq, count = event["hash"], expected_seq + 1, count + 1
        if len(page) < PAGE:
            break
        after = page[-1]["seq"]
    stored = int(store.read("count_audit_events")[0]["n"])
    if stored != count:   # an event sharing another's number at a page's edge: the walk skipped it
        repeated = store.read("audit_repeated_seq")
        seq = repeated[0]["seq"] if repeated and repeated[0]["seq"] is not None else count
        raise AuditChainBroken(seq, f"is stored twice ({stored} events stored, {count} in the chain): "
                                    f"an event was added outside the write path")
    head = store.read("audit_head")[0]
    if int(head["seq"]) != count or (head["hash"] or "") != prev:
        raise AuditChainBroken(count + 1 if int(head["seq"]) > count else count,
                               f"the chain ends at event {count} but the head records event "
                               f"{head['seq']}: events were removed or added outside the write path")
    return count


def _check(event: dict[str, Any], expected_seq: int, prev: str) -> None:
    seq = event["seq"]
    if seq == expected_seq - 1:
        raise AuditChainBroken(seq, "is stored twice: an event was added outside the write path")
    if seq != expected_seq:
        raise AuditChainBroken(expected_seq, "is missing (the next stored event is "
                                             f"{seq})")
    if event["prev_hash"] != prev:
        raise AuditChainBroken(seq, "does not link to the hash of the event before it")
    if event_hash(event) != event["hash"]:
        raise AuditChainBroken(seq, "stored content no longer matches its hash")
