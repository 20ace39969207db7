"""Cypher of P02 peer group. Values are $parameters. It starts from each entity it is given,
found by its id (a batch's entities in one statement, each row naming its entity in `for_id`),
and reads only their links within the window, so the cost of an event does not grow with the
size of the graph.

Entities are named as the report that links them does (what its MENTIONS keeps), never by
the node's own properties.
"""

# For a place: its category as the reports give it (the earliest that is not 'other') and its
# drugs-house status, each with the reports that give it.
GET_PEER_ANCHOR = """
UNWIND $ids AS for_id
MATCH (e:Entity {id: for_id})
CALL (e) {
  MATCH (r:Report)-[m:MENTIONS]->(e)
  WHERE e:Location AND NOT coalesce(r.retracted, false)
    AND coalesce(m.category, 'other') <> 'other'
  WITH r, m ORDER BY r.observed_at, r.id
  RETURN collect({id: r.id, observed_at: toString(r.observed_at), category: m.category}) AS said
}
WITH for_id, e, said,
     CASE WHEN e:Location THEN coalesce(head(said).category, 'other') END AS category
WITH for_id, e.id AS id, e.kind AS kind, category,
       [x IN said WHERE x.category = category | {id: x.id, observed_at: x.observed_at}]
         AS category_reports,
       COLLECT { MATCH (d:Report)
                 WHERE d.id IN coalesce(e.drugs_house_reports, [])
                   AND NOT coalesce(d.retracted, false)
                 RETURN {id: d.id, observed_at: toString(d.observed_at)} } AS drugs_house_reports
RETURN collect({for_id: for_id, id: id, kind: kind, category: category,
                category_reports: category_reports,
                drugs_house_reports: drugs_house_reports}) AS rows
"""

# Pupils seen at the place, with whoever approached them there in the same report. In these
# three, `said`: what each report (not retracted) says of the pupil's age and needs, read once
# a pupil for the statement (the links are gathered by pupil first), not once a link.
FIND_PUPILS_SEEN_AT = """
UNWIND $ids AS for_id
MATCH (l:Location {id: for_id})<-[s:SEEN_AT]-(p:Person)-[at:ATTENDS]->(school:Location)
WHERE s.last_seen >= datetime($since) AND school <> l
UNWIND s.report_ids AS report_id
MATCH (r:Report {id: report_id})-[m:MENTIONS]->(p)
USING INDEX r:Report(id)
WHERE r.observed_at >= datetime($since)
WITH p, collect({for_id: for_id, l: l, at: at, school: school, r: r, m: m}) AS links
CALL (p) {
  MATCH (t:Report)-[mt:MENTIONS]->(p)
  WHERE NOT coalesce(t.retracted, false)
  RETURN collect({id: t.id, observed_at: toString(t.observed_at),
                  young: coalesce(mt.young_person, false), age: mt.age,
                  needs: coalesce(mt.learning_disability, false)
                         OR coalesce(mt.additional_needs, false)}) AS said
}
UNWIND links AS link
WITH link.for_id AS for_id, p, said, link.l AS l, link.at AS at,
     link.school AS school, link.r AS r, link.m AS m
WITH DISTINCT for_id, p.id AS person_id, m.name AS person_name, m.age AS age,
       coalesce(m.learning_disability, false) OR coalesce(m.additional_needs, false)
         AS vulnerable, said,
       school.id AS school_id, head([(r)-[ms:MENTIONS]->(school) | ms.name]) AS school_name,
       COLLECT { UNWIND at.report_ids AS enrolled_by
                 MATCH (a:Report {id: enrolled_by})-[ma:MENTIONS]->(school)
                 USING INDEX a:Report(id)
                 WHERE NOT coalesce(a.retracted, false)
                 RETURN {id: a.id, observed_at: toString(a.observed_at), name: ma.name} }
         AS enrolment,
       head([(r)-[ml:MENTIONS]->(l) | ml.name]) AS anchor_name,
       m.part = 'approached' AS approached, r.id AS report_id,
       toString(r.observed_at) AS observed_at,
       [(a:Entity)-[ap:APPROACHED]->(p) WHERE r.id IN ap.report_ids
        | {id: a.id, name: head([(r)-[ma:MENTIONS]->(a) | ma.name])}] AS via
RETURN collect({for_id: for_id, person_id: person_id, person_name: person_name, age: age,
                vulnerable: vulnerable, said: said, school_id: school_id,
                school_name: school_name, enrolment: enrolment, anchor_name: anchor_name,
                approached: approached, report_id: report_id, observed_at: observed_at,
                via: via}) AS rows
"""

# Pupils a person or group approached, with the place of the approach (not a school or home).
FIND_PUPILS_APPROACHED_BY = """
UNWIND $ids AS for_id
MATCH (e:Entity {id: for_id})-[ap:APPROACHED]->(p:Person)-[at:ATTENDS]->(school:Location)
WHERE ap.last_seen >= datetime($since)
UNWIND ap.report_ids AS report_id
MATCH (r:Report {id: report_id})-[m:MENTIONS]->(p)
USING INDEX r:Report(id)
WHERE r.observed_at >= datetime($since)
WITH p, collect({for_id: for_id, e: e, at: at, school: school, r: r, m: m}) AS links
CALL (p) {
  MATCH (t:Report)-[mt:MENTIONS]->(p)
  WHERE NOT coalesce(t.retracted, false)
  RETURN collect({id: t.id, observed_at: toString(t.observed_at),
                  young: coalesce(mt.young_person, false), age: mt.age,
                  needs: coalesce(mt.learning_disability, false)
                         OR coalesce(mt.additional_needs, false)}) AS said
}
UNWIND links AS link
WITH link.for_id AS for_id, p, said, link.e AS e, link.at AS at,
     link.school AS school, link.r AS r, link.m AS m
WITH DISTINCT for_id, p.id AS person_id, m.name AS person_name, m.age AS age,
       coalesce(m.learning_disability, false) OR coalesce(m.additional_needs, false)
         AS vulnerable, said,
       school.id AS school_id, head([(r)-[ms:MENTIONS]->(school) | ms.name]) AS school_name,
       COLLECT { UNWIND at.report_ids AS enrolled_by
                 MATCH (a:Report {id: enrolled_by})-[ma:MENTIONS]->(school)
                 USING INDEX a:Report(id)
                 WHERE NOT coalesce(a.retracted, false)
                 RETURN {id: a.id, observed_at: toString(a.observed_at), name: ma.name} }
         AS enrolment,
       head([(r)-[me:MENTIONS]->(e) | me.name]) AS anchor_name,
       true AS approached, r.id AS report_id, toString(r.observed_at) AS observed_at,
       [(p)-[s:SEEN_AT]->(l:Location) WHERE r.id IN s.report_ids AND NOT l:Placement
        | {id: l.id, name: head([(r)-[ml:MENTIONS]->(l) | ml.name])}] AS via
RETURN collect({for_id: for_id, person_id: person_id, person_name: person_name, age: age,
                vulnerable: vulnerable, said: said, school_id: school_id,
                school_name: school_name, enrolment: enrolment, anchor_name: anchor_name,
                approached: approached, report_id: report_id, observed_at: observed_at,
                via: via}) AS rows
"""

# Pupils who were in the vehicle, with where the same report saw them.
FIND_PUPILS_IN_VEHICLE = """
UNWIND $ids AS for_id
MATCH (v:Vehicle {id: for_id})<-[iv:IN_VEHICLE]-(p:Person)-[at:ATTENDS]->(school:Location)
WHERE iv.last_seen >= datetime($since)
UNWIND iv.report_ids AS report_id
MATCH (r:Report {id: report_id})-[m:MENTIONS]->(p)
USING INDEX r:Report(id)
WHERE r.observed_at >= datetime($since)
WITH p, collect({for_id: for_id, v: v, at: at, school: school, r: r, m: m}) AS links
CALL (p) {
  MATCH (t:Report)-[mt:MENTIONS]->(p)
  WHERE NOT coalesce(t.retracted, false)
  RETURN collect({id: t.id, observed_at: toString(t.observed_at),
                  young: coalesce(mt.young_person, false), age: mt.age,
                  needs: coalesce(mt.learning_disability, false)
                         OR coalesce(mt.additional_needs, false)}) AS said
}
UNWIND links AS link
WITH link.for_id AS for_id, p, said, link.v AS v, link.at AS at,
     link.school AS school, link.r AS r, link.m AS m
WITH DISTINCT for_id, p.id AS person_id, m.name AS person_name, m.age AS age,
       coalesce(m.learning_disability, false) OR coalesce(m.additional_needs, false)
         AS vulnerable, said,
       school.id AS school_id, head([(r)-[ms:MENTIONS]->(school) | ms.name]) AS school_name,
       COLLECT { UNWIND at.report_ids AS enrolled_by
                 MATCH (a:Report {id: enrolled_by})-[ma:MENTIONS]->(school)
                 USING INDEX a:Report(id)
                 WHERE NOT coalesce(a.retracted, false)
                 RETURN {id: a.id, observed_at: toString(a.observed_at), name: ma.name} }
         AS enrolment,
       head([(r)-[mv:MENTIONS]->(v) | mv.name]) AS anchor_name,
       false AS approached, r.id AS report_id, toString(r.observed_at) AS observed_at,
       [(p)-[s:SEEN_AT]->(l:Location) WHERE r.id IN s.report_ids
        | {id: l.id, name: head([(r)-[ml:MENTIONS]->(l) | ml.name])}] AS via
RETURN collect({for_id: for_id, person_id: person_id, person_name: person_name, age: age,
                vulnerable: vulnerable, said: said, school_id: school_id,
                school_name: school_name, enrolment: enrolment, anchor_name: anchor_name,
                approached: approached, report_id: report_id, observed_at: observed_at,
                via: via}) AS rows
"""
