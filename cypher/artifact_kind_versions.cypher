// An artifact's kind and whether it holds a given version (a review names either or both)
MATCH (a:Artifact {uid: $uid})
OPTIONAL MATCH (v:Version {uid: $version_uid})-[:VERSION_OF]->(a)
RETURN a.kind AS kind, v.uid AS version
