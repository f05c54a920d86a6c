// Append chained audit events (written in the same unit as the change they record)
UNWIND $rows AS r
CREATE (:AuditEvent {seq: r.seq, hash: r.hash, prev_hash: r.prev_hash, actor: r.actor,
                     action: r.action, target: r.target, target_kind: r.target_kind,
                     reason: r.reason, at: r.at, changes: r.changes})
