// Fill an artifact's empty owner slot from a declaration; the edge names its source
// rows: {person, uid, role, since, reason, source}
UNWIND $rows AS r
MATCH (p:Person {id: r.person}), (a:Artifact {uid: r.uid})
CREATE (p)-[:OWNS {role: r.role, since: r.since, reason: r.reason, source: r.source}]->(a)
