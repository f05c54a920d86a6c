// Current primary ownerships of some artifacts, with when they began and were last confirmed
UNWIND $uids AS auid
MATCH (p:Person)-[o:OWNS]->(a:Artifact {uid: auid})
WHERE o.until IS NULL AND o.role = 'primary'
RETURN a.uid AS uid, p.id AS person, o.since AS since, o.confirmed_at AS confirmed_at
