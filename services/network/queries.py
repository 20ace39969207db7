"""Cypher for the network service. Values are always $parameters."""

MERGE_REPORT = """
MERGE (r:Report {id: $report.id})
ON CREATE SET r.type = $report.type,
              r.source_agency = $report.source_agency,
              r.submitted_by = $report.submitted_by,
              r.observed_at = datetime($report.observed_at),
              r.reported_at = datetime($report.reported_at),
              r.narrative = $report.narrative,
              r.grading = $report.grading,
              r.source_evaluation = $report.source_evaluation,
              r.intelligence_assessment = $report.intelligence_assessment,
              r.handling_code = $report.handling_code,
              r.handling_agencies = $report.handling_agencies,
              r.handling_roles = $report.handling_roles,
              r.source_protected = $report.source_protected
"""

MERGE_LOCATIONS = """
MATCH (r:Report {id: $report_id})
UNWIND $locations AS row
MERGE (l:Location {id: row.id})
ON CREATE SET l.name = row.name, l.postcode = row.postcode, l.category = row.category
MERGE (r)-[m:MENTIONS {part: row.part}]->(l)
"""

MERGE_PERSONS = """
MATCH (r:Report {id: $report_id})
UNWIND $persons AS row
MERGE (p:Person {id: row.id})
ON CREATE SET p.name = row.name, p.name_key = row.name_key,
              p.date_of_birth = row.date_of_birth, p.role = row.role
MERGE (r)-[m:MENTIONS {part: row.part}]->(p)
ON CREATE SET m.young_person = row.young_person, m.age = row.age
"""

MERGE_SEEN_AT = """
MATCH (r:Report {id: $report_id})
UNWIND $pairs AS pair
MATCH (p:Person {id: pair.person_id})
MATCH (l:Location {id: pair.location_id})
MERGE (p)-[s:SEEN_AT]->(l)
ON CREATE SET s.report_ids = [], s.count = 0,
              s.first_seen = r.observed_at, s.last_seen = r.observed_at
WITH r, s
WHERE NOT r.id IN s.report_ids
SET s.report_ids = s.report_ids + r.id,
    s.count = s.count + 1,
    s.first_seen = CASE WHEN r.observed_at < s.first_seen THEN r.observed_at ELSE s.first_seen END,
    s.last_seen = CASE WHEN r.observed_at > s.last_seen THEN r.observed_at ELSE s.last_seen END
"""
