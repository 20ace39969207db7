"""Cypher for the network service. Values are always $parameters.

Every entity node also carries the label Entity (ids are unique across kinds: `person:...`,
`location:...`), so links and analyst queries can reach any kind through one index. A link's
type comes from the LinkType enum, never from request text.
"""

# ---------------------------------------------------------------- linking (one report, one tx)

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
              r.audiences = $report.audiences,
              r.evidence = $report.evidence,
              r.source_protected = $report.source_protected,
              r.police_incident_ref = $report.police_incident_ref
"""

MERGE_PERSONS = """
MATCH (r:Report {id: $report_id})
UNWIND $rows AS row
MERGE (p:Person {id: row.id})
ON CREATE SET p:Entity, p.kind = 'person', p.name = row.name, p.name_key = row.name_key,
              p.names = [], p.nicknames = [], p.phones = [], p.handles = [], p.audiences = [],
              p.role = row.role, p.gender = row.gender, p.learning_disability = false,
              p.looked_after = false, p.additional_needs = false
SET p.names = p.names + [n IN row.names WHERE NOT n IN p.names],
    p.nicknames = p.nicknames + [n IN row.nicknames WHERE NOT n IN p.nicknames],
    p.phones = p.phones + [n IN row.phones WHERE NOT n IN p.phones],
    p.handles = p.handles + [n IN row.handles WHERE NOT n IN p.handles],
    p.audiences = p.audiences + [a IN r.audiences WHERE NOT a IN p.audiences],
    p.date_of_birth = coalesce(p.date_of_birth, row.date_of_birth),
    p.birth_year = coalesce(p.birth_year, row.birth_year),
    p.home_local_authority = coalesce(p.home_local_authority, row.home_local_authority),
    p.learning_disability = p.learning_disability OR row.learning_disability,
    p.looked_after = p.looked_after OR row.looked_after,
    p.additional_needs = p.additional_needs OR row.additional_needs,
    p.role = CASE WHEN p.role = 'unknown' THEN row.role ELSE p.role END
MERGE (r)-[m:MENTIONS {part: row.part}]->(p)
ON CREATE SET m.young_person = row.young_person, m.age = row.age, m.name = row.name
WITH p, row
UNWIND row.keys AS key
MERGE (k:MatchKey {key: key})
MERGE (p)-[:HAS_KEY]->(k)
"""

MERGE_LOCATIONS = """
MATCH (r:Report {id: $report_id})
UNWIND $rows AS row
MERGE (l:Location {id: row.id})
ON CREATE SET l:Entity, l.kind = 'location', l.name = row.name, l.postcode = row.postcode,
              l.category = row.category, l.audiences = [],
              l.local_authority = row.local_authority,
              l.police_force_area = row.police_force_area, l.lat = row.lat, l.lon = row.lon
SET l.audiences = l.audiences + [a IN r.audiences WHERE NOT a IN l.audiences],
    l.local_authority = coalesce(l.local_authority, row.local_authority),
    l.police_force_area = coalesce(l.police_force_area, row.police_force_area),
    l.lat = coalesce(l.lat, row.lat), l.lon = coalesce(l.lon, row.lon)
MERGE (r)-[m:MENTIONS {part: row.part}]->(l)
ON CREATE SET m.name = row.name
"""

MERGE_VEHICLES = """
MATCH (r:Report {id: $report_id})
UNWIND $rows AS row
MERGE (v:Vehicle {id: row.id})
ON CREATE SET v:Entity, v.kind = 'vehicle', v.name = row.name, v.vrm = row.vrm,
              v.vrm_format = row.vrm_format, v.audiences = []
SET v.audiences = v.audiences + [a IN r.audiences WHERE NOT a IN v.audiences],
    v.make = coalesce(v.make, row.make), v.model = coalesce(v.model, row.model),
    v.colour = coalesce(v.colour, row.colour)
MERGE (r)-[m:MENTIONS {part: row.part}]->(v)
ON CREATE SET m.name = row.name
"""

MERGE_PHONES = """
MATCH (r:Report {id: $report_id})
UNWIND $rows AS row
MERGE (p:Phone {id: row.id})
ON CREATE SET p:Entity, p.kind = 'phone', p.name = row.name, p.e164 = row.e164, p.audiences = []
SET p.audiences = p.audiences + [a IN r.audiences WHERE NOT a IN p.audiences]
MERGE (r)-[m:MENTIONS {part: row.part}]->(p)
ON CREATE SET m.name = row.name
"""

MERGE_HANDLES = """
MATCH (r:Report {id: $report_id})
UNWIND $rows AS row
MERGE (h:Handle {id: row.id})
ON CREATE SET h:Entity, h.kind = 'handle', h.name = row.name, h.platform = row.platform,
              h.handle = row.handle, h.audiences = []
SET h.audiences = h.audiences + [a IN r.audiences WHERE NOT a IN h.audiences]
MERGE (r)-[m:MENTIONS {part: row.part}]->(h)
ON CREATE SET m.name = row.name
"""

MERGE_GROUPS = """
MATCH (r:Report {id: $report_id})
UNWIND $rows AS row
MERGE (g:Group {id: row.id})
ON CREATE SET g:Entity, g.kind = 'group', g.name = row.name, g.audiences = []
SET g.audiences = g.audiences + [a IN r.audiences WHERE NOT a IN g.audiences]
MERGE (r)-[m:MENTIONS {part: row.part}]->(g)
ON CREATE SET m.name = row.name
"""

# One query for every link type: $type is a LinkType value, checked by the adapter.
MERGE_LINKS = """
MATCH (r:Report {id: $report_id})
UNWIND $rows AS row
MATCH (a:Entity {id: row.source})
MATCH (b:Entity {id: row.target})
MERGE (a)-[l:$($type)]->(b)
ON CREATE SET l.report_ids = [], l.evidence = [], l.details = [], l.count = 0,
              l.first_seen = r.observed_at, l.last_seen = r.observed_at
WITH r, l, row
WHERE NOT r.id IN l.report_ids
SET l.report_ids = l.report_ids + r.id,
    l.evidence = l.evidence + r.evidence,
    l.details = CASE WHEN row.detail = '' OR row.detail IN l.details THEN l.details
                     ELSE l.details + row.detail END,
    l.count = l.count + 1,
    l.first_seen = CASE WHEN r.observed_at < l.first_seen THEN r.observed_at ELSE l.first_seen END,
    l.last_seen = CASE WHEN r.observed_at > l.last_seen THEN r.observed_at ELSE l.last_seen END
"""

MERGE_POSSIBLE_SAME_AS = """
UNWIND $rows AS row
MATCH (a:Person {id: row.source})
MATCH (b:Person {id: row.target})
MERGE (a)-[c:POSSIBLE_SAME_AS]->(b)
ON CREATE SET c.id = row.id, c.score = row.score, c.reasons = row.reasons,
              c.report_id = row.report_id, c.status = 'pending'
"""

FIND_PERSON_CANDIDATES = """
UNWIND $keys AS key
MATCH (:MatchKey {key: key})<-[:HAS_KEY]-(p:Person)
WITH p, count(*) AS shared
ORDER BY shared DESC, p.id
LIMIT $limit
RETURN p.id AS id, p.names AS names, p.nicknames AS nicknames,
       p.date_of_birth AS date_of_birth, p.birth_year AS birth_year,
       p.phones AS phones, p.handles AS handles
"""
