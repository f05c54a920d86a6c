// When audit event $seq was recorded (epoch ms) and the hash it links to; no row when
// there is no such event
MATCH (e:AuditEvent {seq: $seq})
RETURN e.at AS at, e.prev_hash AS prev_hash
