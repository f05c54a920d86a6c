// When versions were made and by which commit (to tell which versions on a lineage path are new)
UNWIND $uids AS vuid
MATCH (v:Version {uid: vuid})
OPTIONAL MATCH (v)-[:BUILT_FROM]->(c:Commit)
RETURN v.uid AS version, v.created_at AS created_at, c.sha AS sha, c.author AS author,
       c.time AS commit_time
