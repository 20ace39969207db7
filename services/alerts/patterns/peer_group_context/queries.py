"""Cypher of P02 peer group. Values are $parameters. It starts from each entity it is given,
found by its id (a batch's entities in one statement, each row naming its entity in `for_id`),
and reads only their links within the window, so the cost of an event does not grow with the
size of the graph.

Entities are named as the report that links them does (what its MENTIONS keeps), never by
the node's own properties.
"""

# For a place and the reports of a batch that linked it (each request's `report_ids`): the
# schools whose peer groups they can change, those of every person they name: the pupils they
# link to the place (a link's reports name both its ends), and anyone they say something of (a
# pupil's age, needs or school). Read from the reports, not from the place's links: a county-wide
# place has thousands.
SCHOOLS_TOUCHED = """
UNWIND $requests AS request
CALL (request) {
  UNWIND request.report_ids AS report_id
  MATCH (r:Report {id: report_id})-[:MENTIONS]->(p:Person)-[:ATTENDS]->(school:Location)
  USING INDEX r:Report(id)
  RETURN collect(DISTINCT school.id) AS named
}
RETURN collect({for_id: request.for_id, schools: named}) AS rows
"""

# The three below return a row for each anchor and pupil: `links`, one for each report since the
# window's start that links them and each school the pupil attends (the school the pupil was
# seen at excepted; only the schools in `$schools`, unless it is null), naming each as that
# report does. What does not change from link to link is read once a pupil for the statement,
# after the links are gathered by pupil: the schools (ATTENDS), who approached the pupil or
# where the pupil was seen (for `via`), `traits` (what the reports, not retracted, say of the
# pupil's age and needs, kept on the person as reports are linked:
# services/network/linking/queries.py MERGE_PERSONS) and `enrolments` (for each school, the
# reports, not retracted, that say the pupil attends it, with what they call it).

# Pupils seen at the place, with whoever approached them there in the same report. Given
# `$schools`, the pupils of those schools are found first and each is checked for a link to the
# place: a school has a hundred-odd pupils, a county-wide place 12,000 links (6 against 87 ms
# a statement at the busiest places of a million reports, bench/RESULTS.md).
FIND_PUPILS_SEEN_AT = """
UNWIND $ids AS for_id
CALL (for_id) {
  WITH for_id WHERE $schools IS NULL
  MATCH (l:Location {id: for_id})<-[s:SEEN_AT]-(p:Person)
  WHERE s.last_seen >= datetime($since)
  RETURN l, s, p
UNION
  WITH for_id WHERE $schools IS NOT NULL
  MATCH (l:Location {id: for_id})
  UNWIND $schools AS school_id
  MATCH (:Location {id: school_id})<-[:ATTENDS]-(p:Person)
  MATCH (p)-[s:SEEN_AT]->(l)
  WHERE s.last_seen >= datetime($since)
  RETURN l, s, p
}
WITH p, collect({for_id: for_id, l: l, s: s}) AS seen
WITH p, seen,
     [(p)-[at:ATTENDS]->(school:Location) WHERE $schools IS NULL OR school.id IN $schools
        | {at: at, school: school}] AS schools
WHERE size(schools) > 0
WITH p, seen, schools,
     [(a:Entity)-[ap:APPROACHED]->(p) | {a: a, report_ids: ap.report_ids}] AS approachers
UNWIND seen AS link
WITH p, schools, approachers, link.for_id AS for_id, link.l AS l, link.s AS s
WITH p, schools, approachers, for_id, l, s, [x IN schools WHERE x.school <> l] AS others
WHERE size(others) > 0
UNWIND s.report_ids AS report_id
MATCH (r:Report {id: report_id})-[m:MENTIONS]->(p)
USING INDEX r:Report(id)
WHERE r.observed_at >= datetime($since)
UNWIND others AS x
WITH p, schools, for_id, x.school AS school,
     {person_name: m.name, age: m.age,
      vulnerable: coalesce(m.learning_disability, false) OR coalesce(m.additional_needs, false),
      anchor_name: head([(r)-[ml:MENTIONS]->(l) | ml.name]),
      approached: m.part = 'approached', report_id: r.id,
      observed_at: toString(r.observed_at),
      via: COLLECT { UNWIND approachers AS y
                     WITH y WHERE r.id IN y.report_ids
                     WITH y.a AS a
                     RETURN {id: a.id, name: head([(r)-[ma:MENTIONS]->(a) | ma.name])} }}
       AS link, r
WITH p, schools, for_id,
     collect(DISTINCT link {.*, school_id: school.id,
                            school_name: head([(r)-[ms:MENTIONS]->(school) | ms.name])}) AS links
WITH p, schools, collect({for_id: for_id, links: links}) AS places
WITH *, p {.young_reports, young_at: toStringList(p.young_reports_at), .needs_reports,
           needs_at: toStringList(p.needs_reports_at), .aged_reports,
           aged_at: toStringList(p.aged_reports_at), .aged_reports_age} AS traits
CALL (schools) {
  UNWIND schools AS x
  WITH x.at AS at, x.school AS school
  RETURN collect({school_id: school.id,
                  reports: COLLECT { UNWIND at.report_ids AS enrolled_by
                                     MATCH (a:Report {id: enrolled_by})-[ma:MENTIONS]->(school)
                                     USING INDEX a:Report(id)
                                     WHERE NOT coalesce(a.retracted, false)
                                     RETURN {id: a.id, observed_at: toString(a.observed_at),
                                             name: ma.name} }}) AS enrolments
}
UNWIND places AS place
RETURN collect({for_id: place.for_id, person_id: p.id, traits: traits, enrolments: enrolments,
                links: place.links}) AS rows
"""

# Pupils a person or group approached, with the place of the approach (not a school or home).
FIND_PUPILS_APPROACHED_BY = """
UNWIND $ids AS for_id
MATCH (e:Entity {id: for_id})-[ap:APPROACHED]->(p:Person)
WHERE ap.last_seen >= datetime($since)
WITH p, collect({for_id: for_id, e: e, ap: ap}) AS approaches
WITH p, approaches,
     [(p)-[at:ATTENDS]->(school:Location) WHERE $schools IS NULL OR school.id IN $schools
        | {at: at, school: school}] AS schools
WHERE size(schools) > 0
WITH p, approaches, schools,
     [(p)-[s:SEEN_AT]->(l:Location) WHERE NOT l:Placement | {l: l, report_ids: s.report_ids}]
       AS places_seen
UNWIND approaches AS link
WITH p, schools, places_seen, link.for_id AS for_id, link.e AS e, link.ap AS ap
UNWIND ap.report_ids AS report_id
MATCH (r:Report {id: report_id})-[m:MENTIONS]->(p)
USING INDEX r:Report(id)
WHERE r.observed_at >= datetime($since)
UNWIND schools AS x
WITH p, schools, for_id, x.school AS school,
     {person_name: m.name, age: m.age,
      vulnerable: coalesce(m.learning_disability, false) OR coalesce(m.additional_needs, false),
      anchor_name: head([(r)-[me:MENTIONS]->(e) | me.name]),
      approached: true, report_id: r.id, observed_at: toString(r.observed_at),
      via: COLLECT { UNWIND places_seen AS y
                     WITH y WHERE r.id IN y.report_ids
                     WITH y.l AS l
                     RETURN {id: l.id, name: head([(r)-[ml:MENTIONS]->(l) | ml.name])} }}
       AS link, r
WITH p, schools, for_id,
     collect(DISTINCT link {.*, school_id: school.id,
                            school_name: head([(r)-[ms:MENTIONS]->(school) | ms.name])}) AS links
WITH p, schools, collect({for_id: for_id, links: links}) AS places
WITH *, p {.young_reports, young_at: toStringList(p.young_reports_at), .needs_reports,
           needs_at: toStringList(p.needs_reports_at), .aged_reports,
           aged_at: toStringList(p.aged_reports_at), .aged_reports_age} AS traits
CALL (schools) {
  UNWIND schools AS x
  WITH x.at AS at, x.school AS school
  RETURN collect({school_id: school.id,
                  reports: COLLECT { UNWIND at.report_ids AS enrolled_by
                                     MATCH (a:Report {id: enrolled_by})-[ma:MENTIONS]->(school)
                                     USING INDEX a:Report(id)
                                     WHERE NOT coalesce(a.retracted, false)
                                     RETURN {id: a.id, observed_at: toString(a.observed_at),
                                             name: ma.name} }}) AS enrolments
}
UNWIND places AS place
RETURN collect({for_id: place.for_id, person_id: p.id, traits: traits, enrolments: enrolments,
                links: place.links}) AS rows
"""

# Pupils who were in the vehicle, with where the same report saw them.
FIND_PUPILS_IN_VEHICLE = """
UNWIND $ids AS for_id
MATCH (v:Vehicle {id: for_id})<-[iv:IN_VEHICLE]-(p:Person)
WHERE iv.last_seen >= datetime($since)
WITH p, collect({for_id: for_id, v: v, iv: iv}) AS rides
WITH p, rides,
     [(p)-[at:ATTENDS]->(school:Location) WHERE $schools IS NULL OR school.id IN $schools
        | {at: at, school: school}] AS schools
WHERE size(schools) > 0
WITH p, rides, schools,
     [(p)-[s:SEEN_AT]->(l:Location) | {l: l, report_ids: s.report_ids}] AS places_seen
UNWIND rides AS link
WITH p, schools, places_seen, link.for_id AS for_id, link.v AS v, link.iv AS iv
UNWIND iv.report_ids AS report_id
MATCH (r:Report {id: report_id})-[m:MENTIONS]->(p)
USING INDEX r:Report(id)
WHERE r.observed_at >= datetime($since)
UNWIND schools AS x
WITH p, schools, for_id, x.school AS school,
     {person_name: m.name, age: m.age,
      vulnerable: coalesce(m.learning_disability, false) OR coalesce(m.additional_needs, false),
      anchor_name: head([(r)-[mv:MENTIONS]->(v) | mv.name]),
      approached: false, report_id: r.id, observed_at: toString(r.observed_at),
      via: COLLECT { UNWIND places_seen AS y
                     WITH y WHERE r.id IN y.report_ids
                     WITH y.l AS l
                     RETURN {id: l.id, name: head([(r)-[ml:MENTIONS]->(l) | ml.name])} }}
       AS link, r
WITH p, schools, for_id,
     collect(DISTINCT link {.*, school_id: school.id,
                            school_name: head([(r)-[ms:MENTIONS]->(school) | ms.name])}) AS links
WITH p, schools, collect({for_id: for_id, links: links}) AS places
WITH *, p {.young_reports, young_at: toStringList(p.young_reports_at), .needs_reports,
           needs_at: toStringList(p.needs_reports_at), .aged_reports,
           aged_at: toStringList(p.aged_reports_at), .aged_reports_age} AS traits
CALL (schools) {
  UNWIND schools AS x
  WITH x.at AS at, x.school AS school
  RETURN collect({school_id: school.id,
                  reports: COLLECT { UNWIND at.report_ids AS enrolled_by
                                     MATCH (a:Report {id: enrolled_by})-[ma:MENTIONS]->(school)
                                     USING INDEX a:Report(id)
                                     WHERE NOT coalesce(a.retracted, false)
                                     RETURN {id: a.id, observed_at: toString(a.observed_at),
                                             name: ma.name} }}) AS enrolments
}
UNWIND places AS place
RETURN collect({for_id: place.for_id, person_id: p.id, traits: traits, enrolments: enrolments,
                links: place.links}) AS rows
"""
