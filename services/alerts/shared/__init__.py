"""What the alert patterns' rules share, free of frameworks; each pattern lives in its own folder
under `patterns/`.

The candidate every rule returns, the provenance of facts, children and their missing episodes,
whereabouts, and the table of place categories. What the detectors share that reads Neo4j is
beside this package: `detection_context.py` (what every detector is given, its `Detector` record
and the common gates) and `shared_reads.py` (the base of every adapter, and a child's reads).
"""
