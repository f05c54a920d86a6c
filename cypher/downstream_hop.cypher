// One hop downstream from a frontier of versions: what was derived from them
UNWIND $frontier AS vuid
MATCH (c:Version)-[d:DERIVED_FROM]->(v:Version {uid: vuid})
RETURN vuid AS source, c.uid AS target, c.artifact_uid AS artifact, d.relation AS relation
