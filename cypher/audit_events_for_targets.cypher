// Audit events about any of some targets (an artifact uid and its version uids), by index lookup
UNWIND $targets AS tgt
MATCH (e:AuditEvent {target: tgt})
RETURN e.seq AS seq, e.hash AS hash, e.actor AS actor, e.action AS action, e.target AS target,
       e.target_kind AS target_kind, e.reason AS reason, e.at AS at, e.changes AS changes
ORDER BY seq
