"""The audit every service writes: each read of personal data, in a hash chain per writer, on an
append-only Kafka topic with a copy in Neo4j to query, and the check that finds tampering."""
