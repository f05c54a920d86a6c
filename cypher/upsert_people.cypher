// Create or update people (manifest ingest); rows: {id, name, email, handle, active}
UNWIND $rows AS r
MERGE (p:Person {id: r.id})
SET p.name = r.name, p.email = r.email, p.handle = r.handle, p.active = r.active
