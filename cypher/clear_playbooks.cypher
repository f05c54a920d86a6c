// Remove playbooks (the manifest said null); the audit log keeps what they held
UNWIND $rows AS r
MATCH (p:Playbook {key: r.key})
DELETE p
