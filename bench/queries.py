"""Cypher of the benchmarks: bulk versions of the network service's writes, and clean-up.

The bulk statements write exactly what services/network/queries.py writes for one report, for
many reports at once: every row carries its report's id. Values are always $parameters.
"""

BULK_REPORTS = """
UNWIND $rows AS report
MERGE (r:Report {id: report.id})
ON CREATE SET r.type = report.type,
              r.source_agency = report.source_agency,
              r.submitted_by = report.submitted_by,
              r.observed_at = datetime(report.observed_at),
              r.reported_at = datetime(report.reported_at),
              r.narrative = report.narrative,
              r.grading = report.grading,
              r.source_evaluation = report.source_evaluation,
              r.intelligence_assessment = report.intelligence_assessment,
              r.handling_code = report.handling_code,
              r.handling_agencies = report.handling_agencies,
              r.handling_roles = report.handling_roles,
              r.audiences = report.audiences,
              r.evidence = report.evidence,
              r.source_protected = report.source_protected,
              r.police_incident_ref = report.police_incident_ref,
              r.items = report.items
"""

BULK_PERSONS = """
UNWIND $rows AS row
MATCH (r:Report {id: row.report_id})
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
ON CREATE SET m.young_person = row.young_person, m.age = row.age, m.name = row.name,
              m.nicknames = row.nicknames
WITH p, row
UNWIND row.keys AS key
MERGE (k:MatchKey {key: key})
MERGE (p)-[:HAS_KEY]->(k)
"""

BULK_LOCATIONS = """
UNWIND $rows AS row
MATCH (r:Report {id: row.report_id})
MERGE (l:Location {id: row.id})
ON CREATE SET l:Entity, l.kind = 'location', l.name = row.name, l.postcode = row.postcode,
              l.category = row.category, l.audiences = [],
              l.local_authority = row.local_authority,
              l.police_force_area = row.police_force_area, l.lat = row.lat, l.lon = row.lon
SET l.audiences = l.audiences + [a IN r.audiences WHERE NOT a IN l.audiences],
    l.local_authority = coalesce(l.local_authority, row.local_authority),
    l.police_force_area = coalesce(l.police_force_area, row.police_force_area),
    l.lat = coalesce(l.lat, row.lat), l.lon = coalesce(l.lon, row.lon)
FOREACH (_ IN CASE WHEN row.category IN ['care_home', 'school'] THEN [1] ELSE [] END |
  SET l:Placement)
MERGE (r)-[m:MENTIONS {part: row.part}]->(l)
ON CREATE SET m.name = row.name
"""

BULK_VEHICLES = """
UNWIND $rows AS row
MATCH (r:Report {id: row.report_id})
MERGE (v:Vehicle {id: row.id})
ON CREATE SET v:Entity, v.kind = 'vehicle', v.name = row.name, v.vrm = row.vrm,
              v.vrm_format = row.vrm_format, v.audiences = []
SET v.audiences = v.audiences + [a IN r.audiences WHERE NOT a IN v.audiences],
    v.make = coalesce(v.make, row.make), v.model = coalesce(v.model, row.model),
    v.colour = coalesce(v.colour, row.colour)
MERGE (r)-[m:MENTIONS {part: row.part}]->(v)
ON CREATE SET m.name = row.name
"""

BULK_PHONES = """
UNWIND $rows AS row
MATCH (r:Report {id: row.report_id})
MERGE (p:Phone {id: row.id})
ON CREATE SET p:Entity, p.kind = 'phone', p.name = row.name, p.e164 = row.e164, p.audiences = []
SET p.audiences = p.audiences + [a IN r.audiences WHERE NOT a IN p.audiences]
MERGE (r)-[m:MENTIONS {part: row.part}]->(p)
ON CREATE SET m.name = row.name
"""

BULK_HANDLES = """
UNWIND $rows AS row
MATCH (r:Report {id: row.report_id})
MERGE (h:Handle {id: row.id})
ON CREATE SET h:Entity, h.kind = 'handle', h.name = row.name, h.platform = row.platform,
              h.handle = row.handle, h.audiences = []
SET h.audiences = h.audiences + [a IN r.audiences WHERE NOT a IN h.audiences]
MERGE (r)-[m:MENTIONS {part: row.part}]->(h)
ON CREATE SET m.name = row.name
"""

BULK_GROUPS = """
UNWIND $rows AS row
MATCH (r:Report {id: row.report_id})
MERGE (g:Group {id: row.id})
ON CREATE SET g:Entity, g.kind = 'group', g.name = row.name, g.audiences = []
SET g.audiences = g.audiences + [a IN r.audiences WHERE NOT a IN g.audiences]
MERGE (r)-[m:MENTIONS {part: row.part}]->(g)
ON CREATE SET m.name = row.name
"""

# $type is a LinkType value, checked by the writer, as in the service.
BULK_LINKS = """
UNWIND $rows AS row
MATCH (r:Report {id: row.report_id})
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

BULK_MISSING_STARTED = """
UNWIND $rows AS row
MATCH (r:Report {id: row.report_id})
MATCH (p:Person {id: row.child})
MERGE (e:MissingEpisode {id: row.id})
ON CREATE SET e.started_at = datetime(row.started_at), e.reported_by = r.id,
              e.police_risk_grading = row.police_risk_grading, e.audiences = r.audiences
MERGE (p)-[:WENT_MISSING]->(e)
WITH e, row
OPTIONAL MATCH (l:Location {id: row.placement})
FOREACH (_ IN CASE WHEN l IS NULL THEN [] ELSE [1] END | MERGE (e)-[:MISSING_FROM]->(l))
"""

# FIND_EPISODE_TO_END and END_MISSING_EPISODE of the service, one row per report.
BULK_MISSING_ENDED = """
UNWIND $rows AS row
MATCH (r:Report {id: row.report_id})
MATCH (p:Person {id: row.child})
CALL (p, row) {
  OPTIONAL MATCH (p)-[:WENT_MISSING]->(open:MissingEpisode)
  WHERE open.ended_by = row.report_id
     OR (open.ended_at IS NULL AND open.started_at <= datetime(row.found_at))
  WITH open ORDER BY open.ended_by = row.report_id DESC, open.started_at DESC
  RETURN collect(open.id)[0] AS found_id
}
MERGE (e:MissingEpisode {id: coalesce(found_id, row.new_id)})
ON CREATE SET e.audiences = r.audiences
SET e.ended_at = datetime(row.found_at), e.ended_by = r.id,
    e.circumstances = row.circumstances, e.condition = row.condition,
    e.items = r.items,
    e.audiences = e.audiences + [a IN r.audiences WHERE NOT a IN e.audiences],
    e.duration_hours = CASE WHEN e.started_at IS NULL THEN null
                            ELSE duration.inSeconds(e.started_at, datetime(row.found_at))
                                 .seconds / 3600.0 END
MERGE (p)-[:WENT_MISSING]->(e)
WITH e, row
OPTIONAL MATCH (l:Location {id: row.place})
FOREACH (_ IN CASE WHEN l IS NULL THEN [] ELSE [1] END | MERGE (e)-[:FOUND_AT]->(l))
WITH DISTINCT e, row
CALL (e, row) {
  UNWIND row.companions AS companion
  MATCH (c:Person {id: companion})
  MERGE (e)-[:FOUND_WITH_PERSON]->(c)
}
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
OPTIONAL MATCH (e)-[:WENT_MISSING|SUBJECT_OF]->(f)
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
