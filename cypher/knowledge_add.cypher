// Attach (or retitle) a knowledge link on an artifact; the id is derived from artifact and url
MERGE (k:Knowledge {id: $id})
SET k.artifact = $artifact, k.kind = $kind, k.title = $title, k.url = $url, k.added_by = $added_by,
    k.added_at = $at, k.incident = $incident
