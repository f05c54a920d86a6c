// Per artifact with versions: how many, and when the newest was created (epoch ms)
MATCH (v:Version)
RETURN v.artifact_uid AS uid, count(v) AS versions, max(v.created_at) AS last_version_at
