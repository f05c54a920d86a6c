// Grant or withdraw the admin role of a person (the operator's CLI, audited)
MATCH (p:Person {id: $id})
SET p.admin = $admin
