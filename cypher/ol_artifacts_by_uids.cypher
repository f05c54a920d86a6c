// Artifacts an OpenLineage change names: kind and the lineage facts it keeps (JSON text)
UNWIND $uids AS auid
MATCH (a:Artifact {uid: auid})
RETURN a.uid AS uid, a.kind AS kind, a.origin_namespace AS origin_namespace,
       a.origin_name AS origin_name, a.lineage AS lineage
