// Stored playbooks by key ('artifact:<uid>', 'team:<id>', 'kind:<kind>'); body is JSON text
MATCH (p:Playbook)
WHERE p.key IN $keys
RETURN p.key AS key, p.scope AS scope, p.target AS target, p.body AS body, p.updated_at AS updated_at
