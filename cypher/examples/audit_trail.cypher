// title: The audit trail of an artifact
// Every recorded change to $target (an artifact uid, person or team id), newest first:
// who did what, when (UTC epoch milliseconds) and why.
// params: {"target": "models/recs-recommender"}
MATCH (e:AuditEvent {target: $target})
RETURN e.seq AS seq, e.at AS at_ms, e.actor AS actor, e.action AS action, e.reason AS reason
ORDER BY seq DESC
LIMIT 100
