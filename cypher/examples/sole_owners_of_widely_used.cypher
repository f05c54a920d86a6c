// title: People who are sole owners of widely used artifacts
// Active people who are the only active owner (no active steward or co-owner) of
// artifacts that at least $min_dependents other artifacts are derived from directly.
// params: {"min_dependents": 2}
MATCH (p:Person)-[o:OWNS]->(a:Artifact)
WHERE o.until IS NULL AND p.active = true
WITH a, collect(p.id) AS owners
WHERE size(owners) = 1
MATCH (d:Version)-[:DERIVED_FROM]->(v:Version)-[:VERSION_OF]->(a)
WHERE d.artifact_uid <> a.uid
WITH owners[0] AS person, a.uid AS artifact, count(DISTINCT d.artifact_uid) AS dependents
WHERE dependents >= $min_dependents
RETURN person, count(artifact) AS artifacts, sum(dependents) AS dependents, collect(artifact) AS owns
ORDER BY dependents DESC, person
