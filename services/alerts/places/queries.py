"""Cypher for the place and context detectors (P02, P11, P12, P14, P22). Values are $parameters.

Every query starts from the one entity it is given, found by its id, and reads only that entity's
links within the window, so the cost of an event does not grow with the size of the graph.
Entities are named as the report that links them names them (MENTIONS.name).
"""

# ---------------------------------------------------------------- P02 peer group

GET_PEER_ANCHOR = """
MATCH (e:Entity {id: $entity_id})
RETURN e.id AS id, e.kind AS kind, e.name AS name, e.category AS category,
       coalesce(e.drugs_house, false) AS drugs_house
"""

# Pupils seen at the place, with whoever approached them there in the same report.
FIND_PUPILS_SEEN_AT = """
MATCH (l:Location {id: $entity_id})<-[s:SEEN_AT]-(p:Person)-[:ATTENDS]->(school:Location)
WHERE s.last_seen >= datetime($since) AND school <> l
UNWIND s.report_ids AS report_id
MATCH (r:Report {id: report_id})-[m:MENTIONS]->(p)
WHERE r.observed_at >= datetime($since)
RETURN DISTINCT p.id AS person_id, m.name AS person_name, m.age AS age,
       coalesce(p.learning_disability, false) OR coalesce(p.additional_needs, false)
         AS vulnerable,
       school.id AS school_id,
       coalesce(head([(r)-[ms:MENTIONS]->(school) | ms.name]), school.name) AS school_name,
       m.part = 'approached' AS approached, r.id AS report_id,
       toString(r.observed_at) AS observed_at,
       [(a:Entity)-[ap:APPROACHED]->(p) WHERE r.id IN ap.report_ids
        | {id: a.id, name: coalesce(head([(r)-[ma:MENTIONS]->(a) | ma.name]), a.name)}] AS via
"""

# Pupils a person or group approached, with the place of the approach (not a school or home).
FIND_PUPILS_APPROACHED_BY = """
MATCH (e:Entity {id: $entity_id})-[ap:APPROACHED]->(p:Person)-[:ATTENDS]->(school:Location)
WHERE ap.last_seen >= datetime($since)
UNWIND ap.report_ids AS report_id
MATCH (r:Report {id: report_id})-[m:MENTIONS]->(p)
WHERE r.observed_at >= datetime($since)
RETURN DISTINCT p.id AS person_id, m.name AS person_name, m.age AS age,
       coalesce(p.learning_disability, false) OR coalesce(p.additional_needs, false)
         AS vulnerable,
       school.id AS school_id,
       coalesce(head([(r)-[ms:MENTIONS]->(school) | ms.name]), school.name) AS school_name,
       true AS approached, r.id AS report_id, toString(r.observed_at) AS observed_at,
       [(p)-[s:SEEN_AT]->(l:Location) WHERE r.id IN s.report_ids AND NOT l:Placement
        | {id: l.id, name: coalesce(head([(r)-[ml:MENTIONS]->(l) | ml.name]), l.name)}] AS via
"""

# Pupils who were in the vehicle, with where the same report saw them.
FIND_PUPILS_IN_VEHICLE = """
MATCH (v:Vehicle {id: $entity_id})<-[iv:IN_VEHICLE]-(p:Person)-[:ATTENDS]->(school:Location)
WHERE iv.last_seen >= datetime($since)
UNWIND iv.report_ids AS report_id
MATCH (r:Report {id: report_id})-[m:MENTIONS]->(p)
WHERE r.observed_at >= datetime($since)
RETURN DISTINCT p.id AS person_id, m.name AS person_name, m.age AS age,
       coalesce(p.learning_disability, false) OR coalesce(p.additional_needs, false)
         AS vulnerable,
       school.id AS school_id,
       coalesce(head([(r)-[ms:MENTIONS]->(school) | ms.name]), school.name) AS school_name,
       false AS approached, r.id AS report_id, toString(r.observed_at) AS observed_at,
       [(p)-[s:SEEN_AT]->(l:Location) WHERE r.id IN s.report_ids
        | {id: l.id, name: coalesce(head([(r)-[ml:MENTIONS]->(l) | ml.name]), l.name)}] AS via
"""

# ---------------------------------------------------------------- P11 trap house

GET_PREMISES = """
MATCH (l:Location {id: $location_id})
RETURN l.id AS id, l.name AS name, coalesce(l.drugs_house, false) AS drugs_house,
       toString(l.drugs_house_since) AS since, l.drugs_house_report AS status_report
"""

FIND_CHILDREN_AT_PREMISES = """
MATCH (l:Location {id: $location_id})<-[s:SEEN_AT|FREQUENTS]-(p:Person)
WHERE s.last_seen >= datetime($since)
UNWIND s.report_ids AS report_id
MATCH (r:Report {id: report_id})-[m:MENTIONS]->(p)
WHERE r.observed_at >= datetime($since) AND m.young_person
RETURN DISTINCT p.id AS person_id, m.name AS person_name, m.age AS age,
       coalesce(p.learning_disability, false) OR coalesce(p.additional_needs, false)
         AS vulnerable,
       r.id AS report_id, toString(r.observed_at) AS observed_at
"""

FIND_DRUGS_HOUSES_OF = """
MATCH (p:Person {id: $person_id})-[s:SEEN_AT|FREQUENTS]->(l:Location)
WHERE l.drugs_house AND s.last_seen >= datetime($since)
RETURN DISTINCT l.id AS location_id
ORDER BY location_id
"""

# ---------------------------------------------------------------- P12 cuckooing

# The address, its tenants, and the latest report that named it as an address of concern.
GET_ADDRESS = """
MATCH (l:Location {id: $location_id})
CALL (l) {
  OPTIONAL MATCH (r:Report)-[:MENTIONS {part: 'address_of_concern'}]->(l)
  RETURN r.id AS status_report, toString(r.observed_at) AS status_observed_at
  ORDER BY r.observed_at DESC
  LIMIT 1
}
RETURN l.id AS id, l.name AS name, l.local_authority AS local_authority,
       coalesce(l.vulnerable_tenant, false) AS vulnerable_tenant,
       coalesce(l.cuckooing_suspected, false) AS cuckooing_suspected,
       [(t:Person)-[:TENANT_OF]->(l) | {id: t.id, name: t.name, role: t.role}] AS tenants,
       status_report, status_observed_at
"""

FIND_VISITS_AT_ADDRESS = """
MATCH (l:Location {id: $location_id})<-[s:SEEN_AT]-(p:Person)
WHERE s.last_seen >= datetime($since)
UNWIND s.report_ids AS report_id
MATCH (r:Report {id: report_id})-[m:MENTIONS]->(p)
WHERE r.observed_at >= datetime($since)
RETURN DISTINCT p.id AS person_id, m.name AS person_name, m.age AS age,
       coalesce(m.young_person, false) AS young,
       coalesce(p.learning_disability, false) OR coalesce(p.additional_needs, false)
         AS vulnerable,
       p.home_local_authority AS home_local_authority, p.role AS role,
       r.id AS report_id, toString(r.observed_at) AS observed_at
"""

# ---------------------------------------------------------------- P14 care home targeted

GET_EXTERNAL = """
MATCH (e:Entity {id: $entity_id})
WHERE e:Person OR e:Vehicle OR e:Phone OR e:Handle
OPTIONAL MATCH (r:Report)-[m:MENTIONS]->(e)
WITH e, collect(m.young_person) AS young
RETURN e.id AS id, e.kind AS kind, e.name AS name, e.role AS role,
       coalesce(e.role = 'adult' OR (size(young) > 0 AND none(y IN young WHERE y)), false)
         AS adult
"""

# Residents of care homes directly linked to the entity ($links: relationship types).
FIND_RESIDENTS_LINKED = """
MATCH (e:Entity {id: $entity_id})-[l]-(p:Person)-[:PLACED_AT]->(h:Location)
WHERE type(l) IN $links AND h.category = 'care_home' AND l.last_seen >= datetime($since)
UNWIND l.report_ids AS report_id
MATCH (r:Report {id: report_id})-[m:MENTIONS]->(p)
WHERE r.observed_at >= datetime($since)
RETURN DISTINCT p.id AS person_id, m.name AS person_name, m.age AS age,
       coalesce(p.learning_disability, false) OR coalesce(p.additional_needs, false)
         AS vulnerable,
       h.id AS home_id, coalesce(head([(r)-[mh:MENTIONS]->(h) | mh.name]), h.name) AS home_name,
       type(l) AS link, r.id AS report_id, toString(r.observed_at) AS observed_at
"""

# ---------------------------------------------------------------- P22 condition breach

# Orders against the person, named as the order's report names them; a retracted order is none.
FIND_ORDERS_OF = """
MATCH (s:Person {id: $person_id})-[:SUBJECT_OF]->(o:ProtectiveOrder)
OPTIONAL MATCH (ro:Report {id: o.report_id})
WITH s, o, ro
WHERE NOT coalesce(ro.retracted, false)
OPTIONAL MATCH (o)-[:CENTRED_ON]->(c:Location)
RETURN o.id AS id, o.kind AS kind, toString(o.issued_on) AS issued_on,
       toString(o.expires_on) AS expires_on, o.radius_m AS radius_m, s.id AS subject_id,
       coalesce(head([(ro)-[ms:MENTIONS]->(s) | ms.name]), s.name) AS subject_name,
       CASE WHEN c IS NULL THEN null
            ELSE {id: c.id, lat: c.lat, lon: c.lon,
                  name: coalesce(head([(ro)-[mc:MENTIONS]->(c) | mc.name]), c.name)} END
         AS centre,
       [(o)-[:PROTECTS]->(p:Person)
        | {id: p.id, name: coalesce(head([(ro)-[mp:MENTIONS]->(p) | mp.name]), p.name)}]
         AS protected,
       [(o)-[:EXCLUDES]->(a:Location)
        | {id: a.id, name: coalesce(head([(ro)-[ma:MENTIONS]->(a) | ma.name]), a.name),
           local_authority: a.local_authority, police_force_area: a.police_force_area,
           region: a.postcode IS NULL AND a.lat IS NULL}] AS areas,
       ro.id AS report_id, toString(ro.observed_at) AS observed_at
ORDER BY id
"""

FIND_SIGHTINGS_OF = """
MATCH (s:Person {id: $person_id})-[l:SEEN_AT]->(loc:Location)
WHERE l.last_seen >= datetime($since)
UNWIND l.report_ids AS report_id
MATCH (r:Report {id: report_id})
WHERE r.observed_at >= datetime($since)
RETURN DISTINCT loc.id AS location_id,
       coalesce(head([(r)-[m:MENTIONS]->(loc) | m.name]), loc.name) AS name,
       loc.lat AS lat, loc.lon AS lon, loc.local_authority AS local_authority,
       loc.police_force_area AS police_force_area, r.id AS report_id,
       toString(r.observed_at) AS observed_at
"""

# Direct links, and the same place or vehicle in the same report, with each protected person.
FIND_CONTACTS_WITH = """
MATCH (s:Person {id: $person_id})
UNWIND $protected_ids AS protected_id
MATCH (p:Person {id: protected_id})
CALL (s, p) {
  MATCH (s)-[l:ASSOCIATES_WITH|FOUND_WITH|APPROACHED]-(p)
  WHERE l.last_seen >= datetime($since)
  UNWIND l.report_ids AS report_id
  RETURN type(l) AS how, report_id
  UNION
  MATCH (s)-[a:SEEN_AT]->(:Location)<-[b:SEEN_AT]-(p)
  WHERE a.last_seen >= datetime($since) AND b.last_seen >= datetime($since)
  UNWIND [x IN a.report_ids WHERE x IN b.report_ids] AS report_id
  RETURN 'SEEN_AT' AS how, report_id
  UNION
  MATCH (s)-[a:IN_VEHICLE]->(:Vehicle)<-[b:IN_VEHICLE]-(p)
  WHERE a.last_seen >= datetime($since) AND b.last_seen >= datetime($since)
  UNWIND [x IN a.report_ids WHERE x IN b.report_ids] AS report_id
  RETURN 'IN_VEHICLE' AS how, report_id
}
MATCH (r:Report {id: report_id})
WHERE r.observed_at >= datetime($since)
RETURN DISTINCT p.id AS person_id, how, r.id AS report_id,
       toString(r.observed_at) AS observed_at
"""

# Subjects of orders in force on a day who were seen at the place since their order was issued.
FIND_ORDER_SUBJECTS_SEEN_AT = """
MATCH (l:Location {id: $location_id})<-[s:SEEN_AT]-(p:Person)-[:SUBJECT_OF]->(o:ProtectiveOrder)
WHERE o.issued_on <= date($on) AND (o.expires_on IS NULL OR o.expires_on >= date($on))
  AND s.last_seen >= datetime({date: o.issued_on})
  AND NOT EXISTS { MATCH (r:Report {id: o.report_id}) WHERE r.retracted }
RETURN DISTINCT p.id AS person_id
ORDER BY person_id
"""
