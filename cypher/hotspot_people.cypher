// Every person and whether they are active (owners' activity decides ownership risk), as parallel lists
MATCH (p:Person)
RETURN collect(p.id) AS id, collect(coalesce(p.name, p.id)) AS name,
       collect(coalesce(p.active, true)) AS active
