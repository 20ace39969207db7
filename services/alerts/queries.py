"""Cypher for the alert service. Values are always $parameters."""

GET_PLACE = """
MATCH (l:Location {id: $location_id})
RETURN l.id AS id, l.name AS name, l.category AS category
"""

FIND_YOUNG_PEOPLE_AT_PLACE = """
MATCH (l:Location {id: $location_id})<-[s:SEEN_AT]-(p:Person)
UNWIND s.report_ids AS report_id
MATCH (r:Report {id: report_id})-[m:MENTIONS]->(p)
WHERE r.observed_at >= datetime($since) AND m.young_person
RETURN DISTINCT p.id AS person_id, p.name AS person_name, m.age AS age,
       r.id AS report_id, toString(r.observed_at) AS observed_at
"""

GET_OPEN_ALERT = """
MATCH (a:Alert {fingerprint: $fingerprint})
WHERE a.status <> 'closed'
RETURN a.body AS body
"""

SAVE_ALERT = """
MERGE (a:Alert {id: $alert.alert_id})
SET a.fingerprint = $alert.fingerprint,
    a.type = $alert.type,
    a.status = $alert.status,
    a.priority = $alert.priority,
    a.raised_at = datetime($alert.raised_at),
    a.updated_at = datetime($alert.updated_at),
    a.body = $body
WITH a
MATCH (l:Location {id: $location_id})
MERGE (a)-[:ABOUT]->(l)
WITH a
UNWIND $report_ids AS report_id
MATCH (r:Report {id: report_id})
MERGE (a)-[:CITES]->(r)
"""

LIST_ALERTS = """
MATCH (a:Alert)
WHERE ($status IS NULL OR a.status = $status) AND ($type IS NULL OR a.type = $type)
RETURN a.body AS body
ORDER BY a.updated_at DESC, a.id
SKIP $offset LIMIT $limit
"""

COUNT_ALERTS = """
MATCH (a:Alert)
WHERE ($status IS NULL OR a.status = $status) AND ($type IS NULL OR a.type = $type)
RETURN count(a) AS total
"""
