// title: Owners of everything upstream of a model
// Every artifact the model's newest version was built from (up to 6 hops), with its
// current owners and accountable team: whom to ask when the model misbehaves.
// params: {"model": "models/recs-recommender"}
MATCH (v:Version)-[:VERSION_OF]->(:Artifact {uid: $model})
WITH v ORDER BY v.seq DESC LIMIT 1
MATCH (v)-[:DERIVED_FROM*1..6]->(u:Version)
WITH DISTINCT u.artifact_uid AS upstream
MATCH (a:Artifact {uid: upstream})
OPTIONAL MATCH (p:Person)-[o:OWNS]->(a)
WHERE o.until IS NULL
WITH a, collect(p.id + ' (' + o.role + ')') AS owners
OPTIONAL MATCH (t:Team)-[to:OWNS]->(a)
WHERE to.until IS NULL
RETURN a.uid AS artifact, a.kind AS kind, owners, t.id AS team
ORDER BY artifact
