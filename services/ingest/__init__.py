"""Ingest: accepts intelligence reports over HTTP and publishes them to Kafka."""
