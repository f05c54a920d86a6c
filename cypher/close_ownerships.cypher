// Close a person's current ownership; rows: {person, uid, role, until, reason}
UNWIND $rows AS r
MATCH (p:Person {id: r.person})-[o:OWNS]->(a:Artifact {uid: r.uid})
WHERE o.role = r.role AND o.until IS NULL
SET o.until = r.until, o.end_reason = r.reason
