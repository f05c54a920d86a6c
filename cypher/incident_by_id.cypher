// One incident record by id
MATCH (i:Incident {id: $id})
RETURN i.id AS id, i.artifact AS artifact, i.version AS version, i.title AS title, i.severity AS severity,
       i.status AS status, i.opened_by AS opened_by, i.opened_at AS opened_at, i.resolved_by AS resolved_by,
       i.resolved_at AS resolved_at, i.postmortem AS postmortem, i.summary AS summary, i.touched AS touched,
       i.snapshot AS snapshot, i.entries AS entries
