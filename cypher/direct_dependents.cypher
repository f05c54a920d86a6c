// How many distinct artifacts are derived directly from any version of each artifact
UNWIND $uids AS auid
MATCH (d:Version)-[:DERIVED_FROM]->(v:Version {artifact_uid: auid})
WHERE d.artifact_uid <> auid
RETURN auid AS uid, count(DISTINCT d.artifact_uid) AS dependents
