// What a version was derived from (one hop upstream)
MATCH (v:Version {uid: $uid})-[d:DERIVED_FROM]->(u:Version)
RETURN u.uid AS uid, u.artifact_uid AS artifact, u.version AS version, d.relation AS relation
ORDER BY uid
