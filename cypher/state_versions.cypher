// Every version as stored, for the audit state check
MATCH (v:Version)
RETURN v.uid AS key, v.artifact_uid AS artifact_uid, v.version AS version, v.seq AS seq,
       v.created_at AS created_at, v.hyperparameters AS hyperparameters,
       v.metrics AS metrics, v.deployment AS deployment
