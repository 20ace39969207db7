"""Adapters the services share: the HTTP middleware and authentication dependencies (FastAPI,
Starlette), the Kafka producer, the faust and Neo4j streaming helpers, and the audit's Kafka log,
Neo4j copy and HTTP wiring. Everything else in `common` imports no framework (import contract)."""
