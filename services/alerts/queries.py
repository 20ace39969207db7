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
MATCH (e:Entity {id: $anchor_id})
MERGE (a)-[:ABOUT]->(e)
WITH a
UNWIND $report_ids AS report_id
MATCH (r:Report {id: report_id})
MERGE (a)-[:CITES]->(r)
"""

# An alert is shown only to those who may see every report it cites (handling code C).
LIST_ALERTS = """
MATCH (a:Alert)
WHERE ($status IS NULL OR a.status = $status) AND ($type IS NULL OR a.type = $type)
  AND all(r IN [(a)-[:CITES]->(cited:Report) | cited]
          WHERE any(x IN coalesce(r.audiences, ['all']) WHERE x IN $audiences))
RETURN a.body AS body
ORDER BY a.updated_at DESC, a.id
SKIP $offset LIMIT $limit
"""

COUNT_ALERTS = """
MATCH (a:Alert)
WHERE ($status IS NULL OR a.status = $status) AND ($type IS NULL OR a.type = $type)
  AND all(r IN [(a)-[:CITES]->(cited:Report) | cited]
          WHERE any(x IN coalesce(r.audiences, ['all']) WHERE x IN $audiences))
RETURN count(a) AS total
"""

GET_ANCHOR = """
MATCH (e:Entity {id: $entity_id})
WHERE e:Person OR e:Vehicle OR e:Phone
OPTIONAL MATCH (r:Report)-[m:MENTIONS]->(e)
WITH e, collect(m.young_person) AS young
RETURN e.id AS id, e.kind AS kind, e.name AS name,
       (e.role = 'adult' OR (size(young) > 0 AND none(y IN young WHERE y))) AS adult
"""

# Direct links only (association, approach, found-with, vehicle, phone, online), never
# co-presence at a place, and only reports within the window that name the other as a child.
FIND_CHILDREN_LINKED = """
MATCH (e:Entity {id: $entity_id})-[l]-(p:Person)
WHERE type(l) IN ['ASSOCIATES_WITH', 'APPROACHED', 'FOUND_WITH', 'IN_VEHICLE', 'USES_PHONE',
                  'CONTACTED_BY', 'LINKED_ONLINE', 'NO_CONTACT_WITH']
UNWIND l.report_ids AS report_id
MATCH (r:Report {id: report_id})-[m:MENTIONS]->(p)
WHERE r.observed_at >= datetime($since) AND m.young_person
RETURN DISTINCT p.id AS person_id, m.name AS person_name, m.age AS age,
       (p.learning_disability OR p.additional_needs) AS vulnerable,
       r.id AS report_id, toString(r.observed_at) AS observed_at
"""
