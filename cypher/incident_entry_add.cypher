// Append entry number $n to an incident's timeline
MATCH (i:Incident {id: $id})
SET i.entries = $n
CREATE (:IncidentEntry {id: $entry_id, incident: $id, n: $n, type: $type, text: $text, author: $author, at: $at})
