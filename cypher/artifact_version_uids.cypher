// Every version of an artifact (the start of an artifact-wide impact walk)
MATCH (v:Version)-[:VERSION_OF]->(:Artifact {uid: $uid})
RETURN v.uid AS uid
