// An incident's timeline, in the order it was written
MATCH (e:IncidentEntry {incident: $id})
RETURN e.n AS n, e.type AS type, e.text AS text, e.author AS author, e.at AS at
ORDER BY e.n
