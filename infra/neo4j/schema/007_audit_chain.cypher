// The audit's Neo4j copy: entries of one topic, compared with it by `tessera audit verify`.
CREATE INDEX audit_topic IF NOT EXISTS FOR (a:AuditEntry) ON (a.topic);
