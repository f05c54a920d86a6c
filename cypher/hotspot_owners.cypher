// Every current person ownership (role primary or steward), as parallel lists, with the
// instant its review period runs from (last confirmation, else start; -1 when neither)
MATCH (p:Person)-[o:OWNS]->(a:Artifact)
WHERE o.until IS NULL
RETURN collect(a.uid) AS uid, collect(p.id) AS person, collect(coalesce(o.role, 'primary')) AS role,
       collect(coalesce(o.confirmed_at, o.since, -1)) AS review_from
