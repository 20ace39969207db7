"""Tessera's three services: ingest, network and alerts. They never import each other."""
