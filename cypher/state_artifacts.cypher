// Every artifact as stored, for the audit state check
MATCH (a:Artifact)
RETURN a.uid AS key, a.kind AS kind, a.namespace AS namespace, a.name AS name,
       a.description AS description, a.tags AS tags, a.links AS links
