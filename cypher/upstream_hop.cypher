// One hop upstream from a frontier of versions (the walk is breadth-first, batched per hop)
UNWIND $frontier AS vuid
MATCH (v:Version {uid: vuid})-[d:DERIVED_FROM]->(u:Version)
RETURN vuid AS source, u.uid AS target, u.artifact_uid AS artifact, d.relation AS relation
