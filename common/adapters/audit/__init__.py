"""The audit's adapters: its append-only Kafka log, its queryable copy in Neo4j, the wiring of
both behind `common.audit.trail.AuditTrail`, and the FastAPI dependency that audits a read."""
