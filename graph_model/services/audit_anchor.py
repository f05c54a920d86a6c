"""Checkpoints anchor the audit log outside the graph.

The hash chain catches an edited event, but not a truncated tail (delete the last
events and move the head back) nor a full rewrite (edit an event and re-hash everything
after it): both leave a chain that verifies. A checkpoint, the head's sequence number
and hash written down somewhere the graph's writers cannot reach (a ticket, a commit, a
log shipper), catches both: the log must still hold that event with that hash, and the
chain from the start to the head must verify, so every event up to the checkpoint is
the one that was there when it was taken.
"""

from __future__ import annotations

import json

from ..errors import AuditChainBroken, BadParameter
from ..store.base import GraphStore
from . import audit
from .write_path import now_ms

FORMAT = "ownergraph-audit-checkpoint/1"


def checkpoint(store: GraphStore) -> dict:
    """The head as a checkpoint (seq 0 for an empty log), after verifying the chain, so
    a checkpoint never anchors a log that is already broken."""
    audit.verify(store)
    head = store.read("audit_head")[0]
    return {"format": FORMAT, "seq": int(head["seq"]), "hash": head["hash"] or "", "taken_at": now_ms()}


def parse(text: str, where: str) -> dict:
    try:
        cp = json.loads(text)
    except ValueError as e:
        raise BadParameter("checkpoint", f"{where} is not JSON: {e}") from None
    if not isinstance(cp, dict) or cp.get("format") != FORMAT or not isinstance(cp.get("seq"), int) \
            or not isinstance(cp.get("hash"), str):
        raise BadParameter("checkpoint", f"{where} is not an ownergraph audit checkpoint ({FORMAT})")
    return cp


def verify(store: GraphStore, cp: dict) -> int:
    """Verify the whole chain, then that it still extends checkpoint ``cp``.

    Returns the number of events. Raises ``AuditChainBroken`` naming the checkpoint's
    event when the log was cut below it or rewritten up to it.
    """
    count = audit.verify(store)
    seq = cp["seq"]
    if seq == 0:
        return count
    if count < seq:
        raise AuditChainBroken(seq, f"the log ends at event {count}, before the checkpoint's event {seq}: "
                                    f"its tail was removed")
    rows = store.read("audit_event_at", seq=seq)
    if not rows or rows[0]["hash"] != cp["hash"]:
        raise AuditChainBroken(seq, "its hash differs from the checkpoint's: the log was rewritten")
    return count
