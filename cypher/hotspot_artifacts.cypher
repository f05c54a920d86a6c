// Every artifact with the facts hotspots score: kind, whether it has a description and a runbook link
MATCH (a:Artifact)
RETURN a.uid AS uid, a.kind AS kind,
       coalesce(trim(a.description), '') <> '' AS has_description,
       coalesce(a.links, '') CONTAINS '"runbook":' AS has_runbook
