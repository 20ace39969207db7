"""Cypher for the place and context detectors (P02, P11, P12, P14, P22). Values are $parameters.

Every query starts from the one entity it is given, found by its id, and reads only that entity's
links within the window, so the cost of an event does not grow with the size of the graph.
Entities are named, and their properties given, as the report that links them does (what its
MENTIONS keeps), never by the node's own properties, which any report may have filled in. A fact
the linking report does not state (a pupil's school, a resident's home, a tenancy, a premises
status, a place's category) comes with the reports that do, for the alert to cite.
"""

# ---------------------------------------------------------------- P02 peer group

# For a place: its category as the reports give it (the earliest that is not 'other') and its
# drugs-house status, each with the reports that give it.
GET_PEER_ANCHOR = """
MATCH (e:Entity {id: $entity_id})
CALL (e) {
  MATCH (r:Report)-[m:MENTIONS]->(e)
  WHERE e:Location AND NOT coalesce(r.retracted, false)
    AND coalesce(m.category, 'other') <> 'other'
  WITH r, m ORDER BY r.observed_at, r.id
  RETURN collect({id: r.id, observed_at: toString(r.observed_at), category: m.category}) AS said
}
WITH e, said,
     CASE WHEN e:Location THEN coalesce(head(said).category, 'other') END AS category
RETURN e.id AS id, e.kind AS kind, category,
       [x IN said WHERE x.category = category | {id: x.id, observed_at: x.observed_at}]
         AS category_reports,
       COLLECT { MATCH (d:Report)
                 WHERE d.id IN coalesce(e.drugs_house_reports, [])
                   AND NOT coalesce(d.retracted, false)
                 RETURN {id: d.id, observed_at: toString(d.observed_at)} } AS drugs_house_reports
"""

# Pupils seen at the place, with whoever approached them there in the same report. In these
# three, `said`: what each report (not retracted) says of the pupil's age and needs.
FIND_PUPILS_SEEN_AT = """
MATCH (l:Location {id: $entity_id})<-[s:SEEN_AT]-(p:Person)-[at:ATTENDS]->(school:Location)
WHERE s.last_seen >= datetime($since) AND school <> l
UNWIND s.report_ids AS report_id
MATCH (r:Report {id: report_id})-[m:MENTIONS]->(p)
WHERE r.observed_at >= datetime($since)
CALL (p) {
  MATCH (t:Report)-[mt:MENTIONS]->(p)
  WHERE NOT coalesce(t.retracted, false)
  RETURN collect({id: t.id, observed_at: toString(t.observed_at),
                  young: coalesce(mt.young_person, false), age: mt.age,
                  needs: coalesce(mt.learning_disability, false)
                         OR coalesce(mt.additional_needs, false)}) AS said
}
RETURN DISTINCT p.id AS person_id, m.name AS person_name, m.age AS age,
       coalesce(m.learning_disability, false) OR coalesce(m.additional_needs, false)
         AS vulnerable, said,
       school.id AS school_id, head([(r)-[ms:MENTIONS]->(school) | ms.name]) AS school_name,
       COLLECT { MATCH (a:Report)-[ma:MENTIONS]->(school)
                 WHERE a.id IN at.report_ids AND NOT coalesce(a.retracted, false)
                 RETURN {id: a.id, observed_at: toString(a.observed_at), name: ma.name} }
         AS enrolment,
       head([(r)-[ml:MENTIONS]->(l) | ml.name]) AS anchor_name,
       m.part = 'approached' AS approached, r.id AS report_id,
       toString(r.observed_at) AS observed_at,
       [(a:Entity)-[ap:APPROACHED]->(p) WHERE r.id IN ap.report_ids
        | {id: a.id, name: head([(r)-[ma:MENTIONS]->(a) | ma.name])}] AS via
"""

# Pupils a person or group approached, with the place of the approach (not a school or home).
FIND_PUPILS_APPROACHED_BY = """
MATCH (e:Entity {id: $entity_id})-[ap:APPROACHED]->(p:Person)-[at:ATTENDS]->(school:Location)
WHERE ap.last_seen >= datetime($since)
UNWIND ap.report_ids AS report_id
MATCH (r:Report {id: report_id})-[m:MENTIONS]->(p)
WHERE r.observed_at >= datetime($since)
CALL (p) {
  MATCH (t:Report)-[mt:MENTIONS]->(p)
  WHERE NOT coalesce(t.retracted, false)
  RETURN collect({id: t.id, observed_at: toString(t.observed_at),
                  young: coalesce(mt.young_person, false), age: mt.age,
                  needs: coalesce(mt.learning_disability, false)
                         OR coalesce(mt.additional_needs, false)}) AS said
}
RETURN DISTINCT p.id AS person_id, m.name AS person_name, m.age AS age,
       coalesce(m.learning_disability, false) OR coalesce(m.additional_needs, false)
         AS vulnerable, said,
       school.id AS school_id, head([(r)-[ms:MENTIONS]->(school) | ms.name]) AS school_name,
       COLLECT { MATCH (a:Report)-[ma:MENTIONS]->(school)
                 WHERE a.id IN at.report_ids AND NOT coalesce(a.retracted, false)
                 RETURN {id: a.id, observed_at: toString(a.observed_at), name: ma.name} }
         AS enrolment,
       head([(r)-[me:MENTIONS]->(e) | me.name]) AS anchor_name,
       true AS approached, r.id AS report_id, toString(r.observed_at) AS observed_at,
       [(p)-[s:SEEN_AT]->(l:Location) WHERE r.id IN s.report_ids AND NOT l:Placement
        | {id: l.id, name: head([(r)-[ml:MENTIONS]->(l) | ml.name])}] AS via
"""

# Pupils who were in the vehicle, with where the same report saw them.
FIND_PUPILS_IN_VEHICLE = """
MATCH (v:Vehicle {id: $entity_id})<-[iv:IN_VEHICLE]-(p:Person)-[at:ATTENDS]->(school:Location)
WHERE iv.last_seen >= datetime($since)
UNWIND iv.report_ids AS report_id
MATCH (r:Report {id: report_id})-[m:MENTIONS]->(p)
WHERE r.observed_at >= datetime($since)
CALL (p) {
  MATCH (t:Report)-[mt:MENTIONS]->(p)
  WHERE NOT coalesce(t.retracted, false)
  RETURN collect({id: t.id, observed_at: toString(t.observed_at),
                  young: coalesce(mt.young_person, false), age: mt.age,
                  needs: coalesce(mt.learning_disability, false)
                         OR coalesce(mt.additional_needs, false)}) AS said
}
RETURN DISTINCT p.id AS person_id, m.name AS person_name, m.age AS age,
       coalesce(m.learning_disability, false) OR coalesce(m.additional_needs, false)
         AS vulnerable, said,
       school.id AS school_id, head([(r)-[ms:MENTIONS]->(school) | ms.name]) AS school_name,
       COLLECT { MATCH (a:Report)-[ma:MENTIONS]->(school)
                 WHERE a.id IN at.report_ids AND NOT coalesce(a.retracted, false)
                 RETURN {id: a.id, observed_at: toString(a.observed_at), name: ma.name} }
         AS enrolment,
       head([(r)-[mv:MENTIONS]->(v) | mv.name]) AS anchor_name,
       false AS approached, r.id AS report_id, toString(r.observed_at) AS observed_at,
       [(p)-[s:SEEN_AT]->(l:Location) WHERE r.id IN s.report_ids
        | {id: l.id, name: head([(r)-[ml:MENTIONS]->(l) | ml.name])}] AS via
"""

# ---------------------------------------------------------------- P11 trap house

# The premises, and the first report (not retracted) that gave it drugs-house status: a status no
# report gives is none.
GET_PREMISES = """
MATCH (l:Location {id: $location_id})
OPTIONAL MATCH (sr:Report {id: l.drugs_house_report})
WHERE NOT coalesce(sr.retracted, false)
RETURN l.id AS id, coalesce(l.drugs_house, false) AND sr IS NOT NULL AS drugs_house,
       toString(l.drugs_house_since) AS since, sr.id AS status_report,
       head([(sr)-[m:MENTIONS]->(l) | m.name]) AS status_name
"""

# Each report that links a young person to the premises, as FIND_YOUNG_PEOPLE_AT_PLACE (alerts).
FIND_CHILDREN_AT_PREMISES = """
MATCH (l:Location {id: $location_id})<-[s:SEEN_AT|FREQUENTS]-(p:Person)
WHERE s.last_seen >= datetime($since)
UNWIND s.report_ids AS report_id
MATCH (r:Report {id: report_id})-[m:MENTIONS]->(p)
WHERE r.observed_at >= datetime($since)
  AND (m.young_person OR (m.age IS NULL
       AND NOT coalesce(m.role, 'unknown') IN ['adult', 'parent_carer', 'vulnerable_adult',
                                                'professional']))
CALL (p) {
  MATCH (t:Report)-[mt:MENTIONS]->(p)
  WHERE NOT coalesce(t.retracted, false)
  RETURN collect({id: t.id, observed_at: toString(t.observed_at),
                  young: coalesce(mt.young_person, false), age: mt.age,
                  needs: coalesce(mt.learning_disability, false)
                         OR coalesce(mt.additional_needs, false)}) AS said
}
WITH l, p, r, m, said
WHERE m.young_person OR any(x IN said WHERE x.young)
RETURN DISTINCT p.id AS person_id, m.name AS person_name, m.age AS age,
       coalesce(m.learning_disability, false) OR coalesce(m.additional_needs, false)
         AS vulnerable,
       coalesce(m.young_person, false) AS young_here, said,
       head([(r)-[ml:MENTIONS]->(l) | ml.name]) AS place_name,
       r.id AS report_id, toString(r.observed_at) AS observed_at
"""

FIND_DRUGS_HOUSES_OF = """
MATCH (p:Person {id: $person_id})-[s:SEEN_AT|FREQUENTS]->(l:Location)
WHERE l.drugs_house AND s.last_seen >= datetime($since)
RETURN DISTINCT l.id AS location_id
ORDER BY location_id
"""

# ---------------------------------------------------------------- P12 cuckooing

# The address: its local authority as the latest report that gives one does; the reports behind
# its vulnerable-tenant and cuckooing statuses (not retracted), with what each calls it; and each
# tenant with what the reports that say they are the tenant (TENANT_OF) say of them.
GET_ADDRESS = """
MATCH (l:Location {id: $location_id})
CALL (l) {
  OPTIONAL MATCH (a:Report)-[ma:MENTIONS]->(l)
  WHERE NOT coalesce(a.retracted, false) AND ma.local_authority IS NOT NULL
  WITH a, ma ORDER BY a.observed_at DESC, a.id DESC
  LIMIT 1
  RETURN ma.local_authority AS local_authority,
         CASE WHEN a IS NULL THEN [] ELSE [{id: a.id, observed_at: toString(a.observed_at)}] END
           AS area_reports
}
CALL (l) {
  MATCH (t:Person)-[tl:TENANT_OF]->(l)
  MATCH (r:Report)-[m:MENTIONS]->(t)
  WHERE r.id IN tl.report_ids AND NOT coalesce(r.retracted, false)
  WITH t, collect({id: r.id, observed_at: toString(r.observed_at), name: m.name, role: m.role})
         AS said
  RETURN collect({id: t.id, said: said}) AS tenants
}
RETURN l.id AS id, local_authority, area_reports, tenants,
       COLLECT { MATCH (r:Report)
                 WHERE r.id IN coalesce(l.vulnerable_tenant_reports, [])
                   AND NOT coalesce(r.retracted, false)
                 RETURN {id: r.id, observed_at: toString(r.observed_at),
                         name: head([(r)-[m:MENTIONS]->(l) | m.name])} } AS vulnerable_tenant,
       COLLECT { MATCH (r:Report)
                 WHERE r.id IN coalesce(l.cuckooing_reports, [])
                   AND NOT coalesce(r.retracted, false)
                 RETURN {id: r.id, observed_at: toString(r.observed_at),
                         name: head([(r)-[m:MENTIONS]->(l) | m.name])} } AS cuckooing
"""

# Each report that places a person at the address, as that report names and describes them;
# where it does not give their home authority, the latest report that does (`home_reports`);
# `said`: what each report (not retracted) says of their age and needs; a professional as any
# report (not retracted) says (a professional is no visitor: that can only keep an alert back).
FIND_VISITS_AT_ADDRESS = """
MATCH (l:Location {id: $location_id})<-[s:SEEN_AT]-(p:Person)
WHERE s.last_seen >= datetime($since)
UNWIND s.report_ids AS report_id
MATCH (r:Report {id: report_id})-[m:MENTIONS]->(p)
WHERE r.observed_at >= datetime($since)
CALL (r, p) {
  OPTIONAL MATCH (h:Report)-[mh:MENTIONS]->(p)
  WHERE NOT coalesce(h.retracted, false) AND mh.home_local_authority IS NOT NULL
  WITH h, mh ORDER BY h = r DESC, h.observed_at DESC, h.id DESC
  LIMIT 1
  RETURN mh.home_local_authority AS home_local_authority,
         CASE WHEN h IS NULL THEN [] ELSE [{id: h.id, observed_at: toString(h.observed_at)}] END
           AS home_reports
}
CALL (p) {
  MATCH (t:Report)-[mt:MENTIONS]->(p)
  WHERE NOT coalesce(t.retracted, false)
  RETURN collect({id: t.id, observed_at: toString(t.observed_at),
                  young: coalesce(mt.young_person, false), age: mt.age,
                  needs: coalesce(mt.learning_disability, false)
                         OR coalesce(mt.additional_needs, false)}) AS said
}
RETURN DISTINCT p.id AS person_id, m.name AS person_name, m.age AS age,
       coalesce(m.young_person, false) AS young,
       m.age IS NULL AND NOT coalesce(m.role, 'unknown') IN ['adult', 'parent_carer',
                                                             'vulnerable_adult', 'professional']
         AS age_unknown, said,
       coalesce(m.learning_disability, false) OR coalesce(m.additional_needs, false)
         AS vulnerable,
       home_local_authority, home_reports,
       CASE WHEN EXISTS { (x:Report)-[mx:MENTIONS]->(p)
                          WHERE mx.role = 'professional' AND NOT coalesce(x.retracted, false) }
            THEN 'professional' ELSE coalesce(m.role, 'unknown') END AS role,
       head([(r)-[ml:MENTIONS]->(l) | ml.name]) AS place_name,
       r.id AS report_id, toString(r.observed_at) AS observed_at
"""

# ---------------------------------------------------------------- P14 care home targeted

# An adult as GET_ANCHOR (alerts) says; a professional as any report (not retracted) says.
GET_EXTERNAL = """
MATCH (e:Entity {id: $entity_id})
WHERE e:Person OR e:Vehicle OR e:Phone OR e:Handle
OPTIONAL MATCH (r:Report)-[m:MENTIONS]->(e)
WHERE NOT coalesce(r.retracted, false)
WITH e, collect(m.young_person) AS young, collect(m.role) AS roles
RETURN e.id AS id, e.kind AS kind,
       CASE WHEN 'professional' IN roles THEN 'professional' ELSE head(roles) END AS role,
       size(young) > 0 AND none(y IN young WHERE y) AS adult
"""

# Residents of care homes directly linked to the entity ($links: relationship types), with the
# reports that say where they are placed (PLACED_AT) and what those reports call the home. A care
# home as the reports that are not retracted give its category (the earliest that is not
# 'other', as GET_PLACE), with the reports that give it; `said` as in the pupils' queries.
FIND_RESIDENTS_LINKED = """
MATCH (e:Entity {id: $entity_id})-[l]-(p:Person)-[pl:PLACED_AT]->(h:Location)
WHERE type(l) IN $links AND l.last_seen >= datetime($since)
CALL (h) {
  MATCH (c:Report)-[mc:MENTIONS]->(h)
  WHERE NOT coalesce(c.retracted, false) AND coalesce(mc.category, 'other') <> 'other'
  WITH c, mc ORDER BY c.observed_at, c.id
  RETURN collect({id: c.id, observed_at: toString(c.observed_at), category: mc.category})
    AS categorised
}
WITH e, l, p, pl, h, categorised
WHERE head(categorised).category = 'care_home'
UNWIND l.report_ids AS report_id
MATCH (r:Report {id: report_id})-[m:MENTIONS]->(p)
WHERE r.observed_at >= datetime($since)
CALL (p) {
  MATCH (t:Report)-[mt:MENTIONS]->(p)
  WHERE NOT coalesce(t.retracted, false)
  RETURN collect({id: t.id, observed_at: toString(t.observed_at),
                  young: coalesce(mt.young_person, false), age: mt.age,
                  needs: coalesce(mt.learning_disability, false)
                         OR coalesce(mt.additional_needs, false)}) AS said
}
RETURN DISTINCT p.id AS person_id, m.name AS person_name, m.age AS age,
       coalesce(m.learning_disability, false) OR coalesce(m.additional_needs, false)
         AS vulnerable, said,
       [x IN categorised WHERE x.category = 'care_home' | {id: x.id, observed_at: x.observed_at}]
         AS category_reports,
       h.id AS home_id, head([(r)-[mh:MENTIONS]->(h) | mh.name]) AS home_name,
       COLLECT { MATCH (a:Report)-[ma:MENTIONS]->(h)
                 WHERE a.id IN pl.report_ids AND NOT coalesce(a.retracted, false)
                 RETURN {id: a.id, observed_at: toString(a.observed_at), name: ma.name} }
         AS residency,
       head([(r)-[me:MENTIONS]->(e) | me.name]) AS entity_name,
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
       head([(ro)-[ms:MENTIONS]->(s) | ms.name]) AS subject_name,
       CASE WHEN c IS NULL THEN null
            ELSE head([(ro)-[mc:MENTIONS]->(c) | {id: c.id, lat: mc.lat, lon: mc.lon,
                                                   name: mc.name}]) END
         AS centre,
       [(o)-[:PROTECTS]->(p:Person)
        | {id: p.id, name: head([(ro)-[mp:MENTIONS]->(p) | mp.name])}] AS protected,
       [(o)-[:EXCLUDES]->(a:Location)
        | head([(ro)-[ma:MENTIONS]->(a)
                | {id: a.id, name: ma.name, local_authority: ma.local_authority,
                   police_force_area: ma.police_force_area,
                   region: a.postcode IS NULL AND ma.lat IS NULL}])] AS areas,
       ro.id AS report_id, toString(ro.observed_at) AS observed_at
ORDER BY id
"""

FIND_SIGHTINGS_OF = """
MATCH (s:Person {id: $person_id})-[l:SEEN_AT]->(loc:Location)
WHERE l.last_seen >= datetime($since)
UNWIND l.report_ids AS report_id
MATCH (r:Report {id: report_id})
WHERE r.observed_at >= datetime($since)
CALL (r, loc) {
  OPTIONAL MATCH (r)-[m:MENTIONS]->(loc)
  RETURN collect(m)[0] AS m
}
RETURN DISTINCT loc.id AS location_id, m.name AS name, m.lat AS lat, m.lon AS lon,
       m.local_authority AS local_authority, m.police_force_area AS police_force_area,
       r.id AS report_id, toString(r.observed_at) AS observed_at
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
