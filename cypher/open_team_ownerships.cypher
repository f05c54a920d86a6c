// Make a team the accountable team of an artifact; rows: {team, uid, since, reason}
UNWIND $rows AS r
MATCH (t:Team {id: r.team}), (a:Artifact {uid: r.uid})
CREATE (t)-[:OWNS {role: 'team', since: r.since, reason: r.reason}]->(a)
