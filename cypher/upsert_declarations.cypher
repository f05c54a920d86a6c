// Record a source's declaration of an artifact's owners (JSON list); rows: {key, uid, source, owners, at}
UNWIND $rows AS r
MATCH (a:Artifact {uid: r.uid})
MERGE (d:Declaration {key: r.key})
SET d.uid = r.uid, d.source = r.source, d.owners = r.owners, d.at = r.at
MERGE (d)-[:DECLARES]->(a)
