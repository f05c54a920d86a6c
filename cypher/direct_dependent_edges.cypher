// Artifact-level edges to what is derived directly from any version of each artifact
UNWIND $uids AS auid
MATCH (d:Version)-[:DERIVED_FROM]->(v:Version {artifact_uid: auid})
WHERE d.artifact_uid <> auid
RETURN DISTINCT auid AS source, d.artifact_uid AS dependent
ORDER BY source, dependent
