// Every relationship with its ends' labels and natural keys, for the audit state check
MATCH (s)-[r]->(t)
RETURN type(r) AS type, labels(s)[0] AS from_label, coalesce(s.uid, s.id, s.sha) AS from_key,
       labels(t)[0] AS to_label, coalesce(t.uid, t.id, t.sha) AS to_key, properties(r) AS props
