"""The analyst API (FastAPI): audited reads of the graph, resolution decisions and exports."""
