// Per artifact, as of $at: its newest version with commit, and its latest activity (version or run)
UNWIND $uids AS auid
MATCH (v:Version {artifact_uid: auid})
WHERE v.created_at <= $at
OPTIONAL MATCH (v)-[:PRODUCED_BY]->(r:Run)
WITH auid, v, r ORDER BY v.seq DESC
WITH auid, collect(v.uid)[0] AS latest_uid, max(v.created_at) AS last_version_at,
     max(coalesce(r.started_at, r.ended_at)) AS last_run_at
MATCH (latest:Version {uid: latest_uid})
OPTIONAL MATCH (latest)-[:BUILT_FROM]->(c:Commit)
RETURN auid AS uid, latest.uid AS version, latest.created_at AS created_at, c.sha AS sha,
       c.author AS author, c.time AS commit_time, last_version_at, last_run_at
