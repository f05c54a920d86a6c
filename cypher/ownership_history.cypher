// Every ownership edge of an artifact, open or closed: people (primary, steward) and teams
MATCH (p:Person)-[o:OWNS]->(:Artifact {uid: $uid})
RETURN 'person' AS holder, p.id AS id, p.name AS name, p.active AS active, o.role AS role,
       o.since AS since, o.until AS until, o.reason AS reason, o.end_reason AS end_reason
UNION ALL
MATCH (t:Team)-[o:OWNS]->(:Artifact {uid: $uid})
RETURN 'team' AS holder, t.id AS id, t.name AS name, null AS active, 'team' AS role,
       o.since AS since, o.until AS until, o.reason AS reason, o.end_reason AS end_reason
