// title: How lineage is made: relations between kinds
// Every DERIVED_FROM edge counted by the kind of the derived artifact, the relation
// (trained_on, evaluated_on, deployed_from, input, ...) and the kind it came from.
// params: {}
MATCH (d:Version)-[r:DERIVED_FROM]->(u:Version)
MATCH (d)-[:VERSION_OF]->(da:Artifact)
MATCH (u)-[:VERSION_OF]->(ua:Artifact)
RETURN da.kind AS derived_kind, r.relation AS relation, ua.kind AS upstream_kind, count(*) AS edges
ORDER BY edges DESC, derived_kind, relation, upstream_kind
