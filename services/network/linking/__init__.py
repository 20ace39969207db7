"""The linking worker (faust): resolves each report's people and places and writes them into the
graph, withdraws retracted reports, and rebuilds the graph from Kafka (replay)."""
