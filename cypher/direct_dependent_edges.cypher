// Artifact-level edges to what is derived directly from any version of each artifact
// (filtered after a WITH so FalkorDB starts from the indexed artifact_uid)
UNWIND $uids AS auid
MATCH (v:Version {artifact_uid: auid})<-[:DERIVED_FROM]-(d:Version)
WITH DISTINCT auid, d.artifact_uid AS dep
WHERE dep <> auid
RETURN auid AS source, dep AS dependent
ORDER BY source, dependent
