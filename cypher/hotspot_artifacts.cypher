// Every artifact with the facts hotspots score, as one row of parallel lists (bulk reads
// are far faster as a few long lists than as many rows); no element may be null
MATCH (a:Artifact)
RETURN collect(a.uid) AS uid, collect(a.kind) AS kind,
       collect(coalesce(trim(a.description), '') <> '') AS has_description,
       collect(coalesce(a.links, '') CONTAINS '"runbook":') AS has_runbook,
       collect(coalesce(a.namespace, '')) AS namespace, collect(coalesce(a.tags, [])) AS tags
