// End a current team membership (closed, never deleted); rows: {person, team, until}
UNWIND $rows AS r
MATCH (p:Person {id: r.person})-[m:MEMBER_OF]->(t:Team {id: r.team})
WHERE m.until IS NULL
SET m.until = r.until
