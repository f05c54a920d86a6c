// One handoff by id
MATCH (h:Handoff {id: $id})
RETURN h.id AS id, h.artifact AS artifact, h.to AS to, h.role AS role, h.reason AS reason,
       h.items AS items, h.status AS status, h.opened_by AS opened_by, h.opened_at AS opened_at,
       h.closed_by AS closed_by, h.closed_at AS closed_at, h.checklist AS checklist,
       h.from_person AS from_person
