"""In-memory stand-ins for Tessera's own ports, one module per port: the alert lifecycle's store
(`alert_store`), the audit trail's topic and Neo4j copy (`audit`) and the ingest API's publisher
and report reader (`ingest_publisher`). A fake only one test module uses stays in that module
until a second needs it.

Integration tests never use them: they talk to the real Kafka and Neo4j.
"""
