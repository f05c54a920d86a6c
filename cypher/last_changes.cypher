// Per artifact, as of $at: its newest version with commit, and its latest activity: a
// version created, or a run of one ended (or started, while it ran) not after $at
UNWIND $uids AS auid
MATCH (v:Version {artifact_uid: auid})
WHERE v.created_at <= $at
OPTIONAL MATCH (v)-[:PRODUCED_BY]->(r:Run)
WITH auid, v, CASE WHEN r.ended_at IS NOT NULL AND r.ended_at <= $at THEN r.ended_at
                   WHEN r.started_at IS NOT NULL AND r.started_at <= $at THEN r.started_at END AS run_at
ORDER BY v.seq DESC
WITH auid, collect(v.uid)[0] AS latest_uid, max(v.created_at) AS last_version_at, max(run_at) AS last_run_at
MATCH (latest:Version {uid: latest_uid})
OPTIONAL MATCH (latest)-[:BUILT_FROM]->(c:Commit)
RETURN auid AS uid, latest.uid AS version, latest.created_at AS created_at, c.sha AS sha,
       c.author AS author, c.time AS commit_time, last_version_at, last_run_at
