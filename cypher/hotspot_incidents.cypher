// Every incident's failing artifact and when it was opened, as two parallel lists (hotspots)
MATCH (i:Incident)
WHERE i.artifact IS NOT NULL AND i.opened_at IS NOT NULL
RETURN collect(i.artifact) AS uid, collect(i.opened_at) AS opened_at
