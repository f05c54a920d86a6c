// A new version's link to the version before it. The version is created in the same
// unit, so it has no edge yet: CREATE, not MERGE (which looks for the edge first).
UNWIND $rows AS r
MATCH (v:Version {uid: r.uid}), (p:Version {uid: r.previous})
CREATE (v)-[:PREVIOUS]->(p)
