// Open an incident record: the failing artifact, what it touched (itself and its upstream
// set at that moment) and the page list and upstream snapshot as JSON text
CREATE (:Incident {id: $id, artifact: $artifact, version: $version, title: $title, severity: $severity,
                   status: 'open', opened_by: $opened_by, opened_at: $at, touched: $touched,
                   snapshot: $snapshot, entries: 0})
