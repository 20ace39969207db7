"""Cypher the fault tests use to check that nothing was lost or written twice."""

COUNT_EACH_REPORT = """
UNWIND $report_ids AS report_id
OPTIONAL MATCH (r:Report {id: report_id})
RETURN report_id AS id, count(r) AS n
"""

# Links of the reports' entities whose count or report list says a report was applied twice.
LINKS_COUNTED_TWICE = """
UNWIND $report_ids AS report_id
MATCH (:Report {id: report_id})-[:MENTIONS]->(:Entity)-[l]-(:Entity)
WHERE l.report_ids IS NOT NULL
WITH DISTINCT l
UNWIND l.report_ids AS listed
WITH l, count(listed) AS entries, count(DISTINCT listed) AS distinct_entries
WHERE entries <> distinct_entries OR l.count <> entries
RETURN type(l) AS type, startNode(l).id AS source, endNode(l).id AS target,
       l.count AS count, entries, distinct_entries
LIMIT 20
"""

MISSING_EPISODES_OF = """
MATCH (:Person {name: $name})-[:WENT_MISSING]->(e:MissingEpisode)
RETURN count(DISTINCT e) AS episodes, count(DISTINCT e.ended_by) AS ended
"""

ALERTS_CITING_ALL = """
MATCH (a:Alert {type: $type})-[:CITES]->(r:Report)
WHERE r.id IN $report_ids
WITH a, count(DISTINCT r) AS cited
WHERE cited = size($report_ids)
RETURN a.id AS id, a.fingerprint AS fingerprint, a.body AS body
"""

ALERTS_OF_TYPE = """
MATCH (a:Alert {type: $type})
OPTIONAL MATCH (a)-[:CITES]->(r:Report)
RETURN a.fingerprint AS fingerprint, a.body AS body, collect(r.id) AS report_ids
"""

COUNT_ALERTS_WITH_FINGERPRINT = """
MATCH (a:Alert {fingerprint: $fingerprint})
RETURN count(a) AS n
"""
