// Open a handoff of an artifact's ownership role to a person, with its checklist;
// from_person is who gives the role up (a steward handing over their stewardship)
CREATE (:Handoff {id: $id, artifact: $artifact, to: $to, role: $role, reason: $reason,
                  items: $items, status: 'open', opened_by: $opened_by, opened_at: $at,
                  from_person: $from_person})
