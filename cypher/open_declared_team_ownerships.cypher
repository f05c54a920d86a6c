// Fill an artifact's empty team slot from a declaration; rows: {team, uid, since, reason, source}
UNWIND $rows AS r
MATCH (t:Team {id: r.team}), (a:Artifact {uid: r.uid})
CREATE (t)-[:OWNS {role: 'team', since: r.since, reason: r.reason, source: r.source}]->(a)
