"""Network: links the people and places of each report into the Neo4j graph."""
