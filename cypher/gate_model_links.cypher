// The model versions one version is (itself, if a model's) or runs (derived directly from),
// each with whether an evaluation's version is derived from it
MATCH (v:Version {uid: $uid})
OPTIONAL MATCH (v)-[:DERIVED_FROM]->(u:Version)-[:VERSION_OF]->(:Artifact {kind: 'model'})
WITH v, collect(u) + [v] AS candidates
UNWIND candidates AS m
MATCH (m)-[:VERSION_OF]->(:Artifact {kind: 'model'})
OPTIONAL MATCH (e:Version)-[:DERIVED_FROM]->(m)
OPTIONAL MATCH (e)-[:VERSION_OF]->(ea:Artifact {kind: 'evaluation'})
RETURN m.uid AS model_version, m.uid = v.uid AS itself, count(ea) AS evaluations
