// Open a handoff of an artifact's ownership role to a person, with its checklist
CREATE (:Handoff {id: $id, artifact: $artifact, to: $to, role: $role, reason: $reason,
                  items: $items, status: 'open', opened_by: $opened_by, opened_at: $at})
