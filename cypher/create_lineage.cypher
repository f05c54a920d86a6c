// A new version's upstream versions (each uid and relation once): CREATE, not MERGE,
// as create_previous_links.
UNWIND $rows AS r
MATCH (v:Version {uid: r.uid}), (u:Version {uid: r.upstream})
CREATE (v)-[:DERIVED_FROM {relation: r.relation}]->(u)
