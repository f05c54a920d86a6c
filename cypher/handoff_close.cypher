// Close a handoff (accepted, declined or cancelled), keeping the checklist as answered
MATCH (h:Handoff {id: $id})
SET h.status = $status, h.closed_by = $closed_by, h.closed_at = $at, h.checklist = $checklist
