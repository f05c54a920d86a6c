// Per artifact with versions: how many, and when the newest was created (epoch ms; -1 when
// none is dated, as lists cannot hold nulls), as parallel lists
MATCH (v:Version)
WITH v.artifact_uid AS uid, count(v) AS versions, coalesce(max(v.created_at), -1) AS last
RETURN collect(uid) AS uid, collect(versions) AS versions, collect(last) AS last_version_at
