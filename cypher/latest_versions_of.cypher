// For each artifact, its newest version (highest seq): where new versions chain on
UNWIND $uids AS auid
MATCH (v:Version)-[:VERSION_OF]->(a:Artifact {uid: auid})
WITH auid, v ORDER BY v.seq DESC
WITH auid, collect(v)[0] AS latest
RETURN auid AS uid, latest.uid AS latest, latest.seq AS seq
