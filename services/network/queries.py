"""Cypher for the network service. Values are always $parameters."""

MERGE_REPORT = """
MERGE (r:Report {id: $report.id})
ON CREATE SET r.type = $report.type,
              r.source_agency = $report.source_agency,
              r.submitted_by = $report.submitted_by,
              r.observed_at = datetime($report.observed_at),
              r.reported_at = datetime($report.reported_at),
              r.narrative = $report.narrative
"""

MERGE_LOCATION = """
MATCH (r:Report {id: $report_id})
MERGE (l:Location {id: $location.id})
ON CREATE SET l.name = $location.name,
              l.postcode = $location.postcode,
              l.category = $location.category
MERGE (r)-[:MENTIONS]->(l)
"""

MERGE_PERSONS_SEEN_AT = """
MATCH (r:Report {id: $report_id})
MATCH (l:Location {id: $location_id})
UNWIND $persons AS row
MERGE (p:Person {id: row.id})
ON CREATE SET p.name = row.name, p.date_of_birth = row.date_of_birth, p.role = row.role
MERGE (r)-[m:MENTIONS]->(p)
ON CREATE SET m.young_person = row.young_person, m.age = row.age
MERGE (p)-[s:SEEN_AT]->(l)
ON CREATE SET s.report_ids = [], s.first_seen = r.observed_at, s.last_seen = r.observed_at
WITH r, s
WHERE NOT r.id IN s.report_ids
SET s.report_ids = s.report_ids + r.id,
    s.count = coalesce(s.count, 0) + 1,
    s.first_seen = CASE WHEN r.observed_at < s.first_seen THEN r.observed_at ELSE s.first_seen END,
    s.last_seen = CASE WHEN r.observed_at > s.last_seen THEN r.observed_at ELSE s.last_seen END
"""

GET_REPORT = """
MATCH (r:Report {id: $report_id})
OPTIONAL MATCH (r)-[:MENTIONS]->(e)
RETURN r {.*, observed_at: toString(r.observed_at), reported_at: toString(r.reported_at)} AS report,
       collect(e.id) AS entity_ids
"""
