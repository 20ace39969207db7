"""Cypher of the benchmarks: finding what a run wrote, and the graph's size. Values are always
$parameters; removing a run's reports is tests/support/cleanup.py's.

The bulk writes are the network service's own statements (services/network/queries.py).
"""

# ---------------------------------------------------------------- a run's data

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

# Neo4j's memory settings, and the heap the JVM was given (-Xmx, set where the server is
# started: server.memory.heap.max_size says only what the official launcher would pass).
MEMORY_SETTINGS = """
SHOW SETTINGS YIELD name, value
WHERE name IN ['server.memory.pagecache.size', 'db.memory.transaction.total.max']
RETURN name, value
"""
JVM_HEAP = """
CALL dbms.queryJmx('java.lang:type=Memory') YIELD attributes
RETURN attributes.HeapMemoryUsage.value.properties.max AS bytes
"""

# ---------------------------------------------------------------- what bounds a read

# How many relationships each of the given entities has (links and the reports' MENTIONS): a
# read that must look at all of them costs in proportion.
DEGREES = """
UNWIND $ids AS id
MATCH (n:Entity {id: id})
RETURN n.id AS id, n.kind AS kind, COUNT { (n)--() } AS degree
"""

# ---------------------------------------------------------------- what a probe can reach

# Every entity the given reports mention, once: the bench works out their alerts before it
# probes, as the worker would have while the reports arrived.
ENTITIES_MENTIONED = """
UNWIND $report_ids AS report_id
MATCH (:Report {id: report_id})-[:MENTIONS]->(e:Entity)
RETURN DISTINCT e.kind AS kind, e.id AS id
"""
