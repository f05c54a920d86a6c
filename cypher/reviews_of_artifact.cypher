// The recorded reviews of one artifact, newest first
MATCH (r:Review)-[:REVIEW_OF]->(a:Artifact {uid: $uid})
RETURN r.id AS id, a.uid AS artifact, r.version AS version, r.kind AS kind, r.outcome AS outcome,
       r.link AS link, r.notes AS notes, r.by AS by, r.at AS at
ORDER BY r.at DESC, r.id DESC
LIMIT $limit
