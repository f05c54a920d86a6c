// What was derived from a version (one hop downstream)
MATCH (c:Version)-[d:DERIVED_FROM]->(v:Version {uid: $uid})
RETURN c.uid AS uid, c.artifact_uid AS artifact, c.version AS version, d.relation AS relation
ORDER BY uid
