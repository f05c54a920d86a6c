// Lineage points upstream: derived version -> what it came from; rows: {uid, upstream, relation}
UNWIND $rows AS r
MATCH (v:Version {uid: r.uid}), (u:Version {uid: r.upstream})
MERGE (v)-[d:DERIVED_FROM {relation: r.relation}]->(u)
