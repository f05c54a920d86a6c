// Versions of deployments and evaluations derived directly from a model version: what a
// deployment runs, and which model versions have an evaluation; as parallel lists
MATCH (v:Version)-[:DERIVED_FROM]->(u:Version)-[:VERSION_OF]->(:Artifact {kind: 'model'})
MATCH (v)-[:VERSION_OF]->(a:Artifact)
WHERE a.kind = 'deployment' OR a.kind = 'evaluation'
RETURN collect(v.uid) AS version, collect(a.kind) AS kind, collect(u.uid) AS model_version
