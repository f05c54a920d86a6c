// Resolve an incident with its postmortem link
MATCH (i:Incident {id: $id})
SET i.status = 'resolved', i.resolved_by = $resolved_by, i.resolved_at = $at, i.postmortem = $postmortem,
    i.summary = $summary
