// Start a team membership; rows: {person, team, since}
UNWIND $rows AS r
MATCH (p:Person {id: r.person}), (t:Team {id: r.team})
CREATE (p)-[:MEMBER_OF {since: r.since}]->(t)
