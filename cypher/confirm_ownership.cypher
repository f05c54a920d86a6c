// The current primary owner confirms their ownership: its review starts again from now
MATCH (p:Person {id: $person})-[o:OWNS]->(a:Artifact {uid: $uid})
WHERE o.until IS NULL AND o.role = 'primary'
SET o.confirmed_at = $at
