"""Cypher of the benchmarks: removing what a run wrote. Values are always $parameters.

The bulk writes are the network service's own statements (services/network/queries.py).
"""

# ---------------------------------------------------------------- clean-up of a run's data

DELETE_ALERTS_CITING = """
UNWIND $report_ids AS report_id
MATCH (a:Alert)-[:CITES]->(:Report {id: report_id})
WITH DISTINCT a
OPTIONAL MATCH (a)-[:HAS_HISTORY]->(h:AlertHistory)
DETACH DELETE a, h
"""

# Entities, episodes and orders go with the last report that mentions them; a phone or match key
# other data still uses stays.
DELETE_REPORTS = """
UNWIND $report_ids AS report_id
MATCH (r:Report {id: report_id})
OPTIONAL MATCH (r)-[:MENTIONS]->(e)
WITH collect(DISTINCT r) AS reports, collect(DISTINCT e) AS entities
FOREACH (r IN reports | DETACH DELETE r)
WITH entities
UNWIND entities AS e
WITH e WHERE NOT (e)<-[:MENTIONS]-(:Report)
OPTIONAL MATCH (e)-[:WENT_MISSING|SUBJECT_OF|DEPARTED]->(f)
OPTIONAL MATCH (e)-[:HAS_KEY]->(k:MatchKey)
WITH collect(DISTINCT e) AS entities, collect(DISTINCT f) AS facts, collect(DISTINCT k) AS keys
FOREACH (f IN facts | DETACH DELETE f)
FOREACH (e IN entities | DETACH DELETE e)
WITH keys
UNWIND keys AS k
WITH k WHERE NOT (k)<-[:HAS_KEY]-()
DELETE k
"""

COUNT_REPORTS = """
UNWIND $report_ids AS report_id
MATCH (r:Report {id: report_id})
RETURN count(r) AS n
"""

# Every report a benchmark or fault test wrote: its submitter is always the bench user.
BENCH_REPORT_IDS = """
MATCH (r:Report {submitted_by: $user})
RETURN r.id AS id
"""

# ---------------------------------------------------------------- what a run measured against

# The whole graph's size (counts from the store, whatever wrote the nodes).
GRAPH_SIZE = """
CALL { MATCH (p:Person) RETURN count(p) AS people }
CALL { MATCH (k:MatchKey) RETURN count(k) AS keys }
CALL { MATCH (r:Report) RETURN count(r) AS reports }
RETURN people, keys, reports
"""

# Neo4j's memory settings (the heap is the JVM's -Xmx, set where the server is started).
MEMORY_SETTINGS = """
SHOW SETTINGS YIELD name, value
WHERE name IN ['server.memory.pagecache.size', 'server.memory.heap.max_size',
               'db.memory.transaction.total.max']
RETURN name, value
"""
