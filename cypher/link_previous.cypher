// Chain a version to the one before it; rows: {uid, previous}
UNWIND $rows AS r
MATCH (v:Version {uid: r.uid}), (p:Version {uid: r.previous})
MERGE (v)-[:PREVIOUS]->(p)
