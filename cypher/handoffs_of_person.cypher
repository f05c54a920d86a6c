// Open handoffs waiting for a person, and those the person opened
MATCH (h:Handoff)
WHERE h.status = 'open' AND (h.to = $person OR h.opened_by = $person)
RETURN h.id AS id, h.artifact AS artifact, h.to AS to, h.role AS role, h.reason AS reason,
       h.items AS items, h.status AS status, h.opened_by AS opened_by, h.opened_at AS opened_at
ORDER BY h.opened_at, h.id
