// One artifact's identity (whether it exists, and its kind)
MATCH (a:Artifact {uid: $uid})
RETURN a.uid AS uid, a.kind AS kind, a.description AS description
