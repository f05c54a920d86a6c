// Create or update people (manifest ingest); rows: {id, name, email, active}
UNWIND $rows AS r
MERGE (p:Person {id: r.id})
SET p.name = r.name, p.email = r.email, p.active = r.active
