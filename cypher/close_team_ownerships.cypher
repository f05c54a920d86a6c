// Close a team's current accountability; rows: {team, uid, until, reason}
UNWIND $rows AS r
MATCH (t:Team {id: r.team})-[o:OWNS]->(a:Artifact {uid: r.uid})
WHERE o.until IS NULL
SET o.until = r.until, o.end_reason = r.reason
