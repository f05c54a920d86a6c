// How many distinct artifacts are derived directly from any version of each artifact.
// The filter on the dependent comes after a WITH: inside the MATCH it makes FalkorDB
// scan every version instead of starting from the indexed artifact_uid.
UNWIND $uids AS auid
MATCH (v:Version {artifact_uid: auid})<-[:DERIVED_FROM]-(d:Version)
WITH auid, d.artifact_uid AS dep
WHERE dep <> auid
RETURN auid AS uid, count(DISTINCT dep) AS dependents
