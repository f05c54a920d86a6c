// Every artifact with what policy scopes and rules read, as one row of parallel lists
// (tags is a list per artifact; has_runbook says whether links name a runbook); no null
MATCH (a:Artifact)
RETURN collect(a.uid) AS uid, collect(a.kind) AS kind, collect(coalesce(a.namespace, '')) AS namespace,
       collect(coalesce(a.tags, [])) AS tags,
       collect(coalesce(a.links, '') CONTAINS '"runbook":') AS has_runbook
