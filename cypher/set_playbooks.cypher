// Create or replace playbooks (a default per kind or team, or one artifact's); body is JSON text
UNWIND $rows AS r
MERGE (p:Playbook {key: r.key})
SET p.scope = r.scope, p.target = r.target, p.body = r.body, p.updated_at = r.at
