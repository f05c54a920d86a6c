// A version of an artifact: the named one, else the newest created at or before $at
MATCH (v:Version {artifact_uid: $uid})
WHERE ($version IS NULL AND v.created_at <= $at) OR v.version = $version
RETURN v.uid AS uid, v.version AS version, v.seq AS seq, v.created_at AS created_at,
       v.deployment AS deployment
ORDER BY v.seq DESC
LIMIT 1
