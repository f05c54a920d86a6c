// When audit event $seq was recorded (epoch ms); no row when there is no such event
MATCH (e:AuditEvent {seq: $seq})
RETURN e.at AS at
