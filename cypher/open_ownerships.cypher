// Open a person's ownership (role primary|steward); rows: {person, uid, role, since, reason}
UNWIND $rows AS r
MATCH (p:Person {id: r.person}), (a:Artifact {uid: r.uid})
CREATE (p)-[:OWNS {role: r.role, since: r.since, reason: r.reason}]->(a)
