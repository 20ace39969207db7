"""Cypher for the missing-episode detectors. Values are always $parameters.

Every query starts from the one person or vehicle it is given and reads only its neighbourhood
within the window, so its cost does not grow with the size of the graph.
"""

# The person, what each report that is not retracted says of them (an alert names them, and
# takes their age and needs, only from the reports it cites, or cites the report it relies on),
# whether any such report calls them a young person, and their known areas (home, placement,
# school, places they go), each with the reports that state it: the report that gives the home
# authority, or the report that links them to the place with, unless it gives the place's areas
# itself, the earliest that does. Nothing only a retracted report says counts.
GET_PERSON = """
MATCH (p:Person {id: $person_id})
CALL (p) {
  OPTIONAL MATCH (r:Report)-[m:MENTIONS]->(p)
  WHERE NOT coalesce(r.retracted, false)
  RETURN collect(CASE WHEN r IS NULL THEN null
                 ELSE {id: r.id, observed_at: toString(r.observed_at), name: m.name,
                       age: m.age, young: coalesce(m.young_person, false),
                       needs: coalesce(m.learning_disability, false)
                              OR coalesce(m.additional_needs, false)} END) AS said,
         any(y IN collect(m.young_person) WHERE y) AS young
}
CALL (p) {
  MATCH (h:Report)-[mh:MENTIONS]->(p)
  WHERE NOT coalesce(h.retracted, false) AND mh.home_local_authority IS NOT NULL
  RETURN collect({areas: [mh.home_local_authority],
                  reports: [{id: h.id, observed_at: toString(h.observed_at)}]}) AS homes
}
CALL (p) {
  MATCH (p)-[k:PLACED_AT|ATTENDS|FREQUENTS]->(l:Location)
  CALL (l) {
    MATCH (a:Report)-[ma:MENTIONS]->(l)
    WHERE NOT coalesce(a.retracted, false)
      AND (ma.local_authority IS NOT NULL OR ma.police_force_area IS NOT NULL)
    WITH a, ma ORDER BY a.observed_at, a.id
    RETURN collect({id: a.id, observed_at: toString(a.observed_at),
                    areas: [x IN [ma.local_authority, ma.police_force_area]
                            WHERE x IS NOT NULL]}) AS given
  }
  WITH k, given
  WHERE size(given) > 0
  UNWIND coalesce(k.report_ids, []) AS report_id
  MATCH (r:Report {id: report_id})
  WHERE NOT coalesce(r.retracted, false)
  RETURN collect({areas: reduce(acc = [], x IN given | acc + x.areas),
                  reports: [{id: r.id, observed_at: toString(r.observed_at)}]
                           + CASE WHEN any(x IN given WHERE x.id = r.id) THEN []
                                  ELSE [{id: head(given).id,
                                         observed_at: head(given).observed_at}] END})
    AS places
}
RETURN p.id AS id, said, young, homes + places AS known
"""

# Each episode with where it ended and with whom, as the report that ended it says (the tenants
# of where the child was found with the reports that say so); retracted reports are left out.
EPISODES_OF = """
MATCH (p:Person {id: $person_id})-[:WENT_MISSING]->(e:MissingEpisode)
WHERE coalesce(e.started_at, e.ended_at) >= datetime($since)
OPTIONAL MATCH (e)-[:FOUND_AT]->(l:Location)
OPTIONAL MATCH (opened:Report {id: e.reported_by})
OPTIONAL MATCH (closed:Report {id: e.ended_by})
WITH p, e, l, opened, closed
WHERE NOT coalesce(opened.retracted, false) AND NOT coalesce(closed.retracted, false)
CALL (e, closed) {
  OPTIONAL MATCH (e)-[:FOUND_WITH_PERSON]->(c:Person)
  OPTIONAL MATCH (closed)-[cm:MENTIONS]->(c)
  RETURN collect(DISTINCT CASE WHEN c IS NULL THEN null
                 ELSE {id: c.id, name: cm.name, adult: NOT coalesce(cm.young_person, false),
                       tenant: false,
                       reports: [{id: closed.id, observed_at: toString(closed.observed_at)}]} END)
         AS companions
}
CALL (l) {
  MATCH (t:Person)-[tl:TENANT_OF]->(l)
  MATCH (r:Report)-[m:MENTIONS]->(t)
  WHERE r.id IN tl.report_ids AND NOT coalesce(r.retracted, false)
  WITH t, r, m ORDER BY r.observed_at DESC, r.id DESC
  WITH t, collect(m.name)[0] AS name,
       collect(DISTINCT {id: r.id, observed_at: toString(r.observed_at)}) AS reports
  RETURN collect({id: t.id, name: name, adult: true, tenant: true, reports: reports}) AS tenants
}
CALL (closed, l) {
  OPTIONAL MATCH (closed)-[ml:MENTIONS]->(l)
  RETURN collect(ml)[0] AS ml
}
RETURN e.id AS id, toString(e.started_at) AS started_at, toString(e.ended_at) AS ended_at,
       coalesce(e.items, []) AS items, e.circumstances AS circumstances,
       coalesce(e.condition, []) AS condition,
       opened.id AS opened_id, toString(opened.observed_at) AS opened_at,
       closed.id AS closed_id, toString(closed.observed_at) AS closed_at,
       l.id AS place_id, ml.name AS place_name, ml.local_authority AS local_authority,
       ml.police_force_area AS police_force_area, companions + tenants AS companions
ORDER BY coalesce(e.started_at, e.ended_at)
"""

# Adults a child was found with, or at whose address the child was found, while missing.
HARBOURERS_OF = """
MATCH (p:Person {id: $person_id})-[:WENT_MISSING]->(e:MissingEpisode)
WHERE coalesce(e.ended_at, e.started_at) >= datetime($since)
CALL (e) {
  MATCH (e)-[:FOUND_WITH_PERSON]->(a:Person) RETURN a
  UNION
  MATCH (e)-[:FOUND_AT]->(:Location)<-[:TENANT_OF]-(a:Person) RETURN a
}
RETURN DISTINCT a.id AS adult_id
"""

# Each episode in which a child was found with the adult, or at the adult's address, with the
# reports that say the adult is the tenant there (the found report says the rest).
HARBOURED_BY = """
MATCH (a:Person {id: $adult_id})
CALL (a) {
  MATCH (a)<-[:FOUND_WITH_PERSON]-(e:MissingEpisode) RETURN e, false AS as_tenant, [] AS tenancy
  UNION
  MATCH (a)-[t:TENANT_OF]->(:Location)<-[:FOUND_AT]-(e:MissingEpisode)
  RETURN e, true AS as_tenant,
         COLLECT { MATCH (r:Report) WHERE r.id IN t.report_ids AND NOT coalesce(r.retracted, false)
                   RETURN {id: r.id, observed_at: toString(r.observed_at)} } AS tenancy
}
WITH e, as_tenant, tenancy
WHERE coalesce(e.ended_at, e.started_at) >= datetime($since)
MATCH (c:Person)-[:WENT_MISSING]->(e)
RETURN c.id AS child_id, e.id AS episode_id, as_tenant, tenancy
"""

VEHICLES_OF = """
MATCH (p:Person {id: $person_id})-[l:IN_VEHICLE]->(v:Vehicle)
WHERE l.last_seen >= datetime($since)
RETURN DISTINCT v.id AS vehicle_id
"""

GET_VEHICLE = """
MATCH (v:Vehicle {id: $vehicle_id})
RETURN v.id AS id
"""

# Each report of a child in the vehicle: one that calls them a young person, or leaves their age
# unknown (the runner keeps only a child some report calls one, and the alert cites it).
RIDES_IN = """
MATCH (v:Vehicle {id: $vehicle_id})<-[l:IN_VEHICLE]-(p:Person)
WHERE l.last_seen >= datetime($since)
UNWIND l.report_ids AS report_id
MATCH (r:Report {id: report_id})-[m:MENTIONS]->(p)
WHERE r.observed_at >= datetime($since)
  AND (m.young_person OR (m.age IS NULL
       AND NOT coalesce(m.role, 'unknown') IN ['adult', 'parent_carer', 'vulnerable_adult',
                                                'professional']))
RETURN DISTINCT p.id AS person_id, r.id AS report_id, toString(r.observed_at) AS observed_at,
       head([(r)-[mv:MENTIONS]->(v) | mv.name]) AS vehicle_name
"""

# Other children's episodes that share a found place, a found-with person or a vehicle with the
# child's own, or that the child was found with. A found place or person is stated by the
# reports that ended the episodes; a vehicle by the reports that put each child in it (`mine`,
# `theirs`). `names`: what those reports call what is shared.
SHARED_EPISODES = """
MATCH (p:Person {id: $person_id})-[:WENT_MISSING]->(e:MissingEpisode)
WHERE coalesce(e.started_at, e.ended_at) >= datetime($since)
CALL (p, e) {
  MATCH (e)-[:FOUND_AT]->(x:Location)<-[:FOUND_AT]-(e2:MissingEpisode)<-[:WENT_MISSING]-(o:Person)
  RETURN x, e2, o, [] AS mine, [] AS theirs, [e.ended_by, e2.ended_by] AS naming
  UNION
  MATCH (e)-[:FOUND_WITH_PERSON]->(x:Person)<-[:FOUND_WITH_PERSON]-(e2:MissingEpisode)
        <-[:WENT_MISSING]-(o:Person)
  RETURN x, e2, o, [] AS mine, [] AS theirs, [e.ended_by, e2.ended_by] AS naming
  UNION
  MATCH (e)-[:FOUND_WITH_PERSON]->(o:Person)-[:WENT_MISSING]->(e2:MissingEpisode)
  RETURN o AS x, e2, o, [] AS mine, [] AS theirs, [e.ended_by] AS naming
  UNION
  MATCH (p)-[a:IN_VEHICLE]->(x:Vehicle)<-[b:IN_VEHICLE]-(o:Person)
        -[:WENT_MISSING]->(e2:MissingEpisode)
  RETURN x, e2, o, a.report_ids AS mine, b.report_ids AS theirs,
         a.report_ids + b.report_ids AS naming
}
WITH p, e, x, e2, o, mine, theirs, naming
WHERE o <> p AND coalesce(e2.started_at, e2.ended_at) >= datetime($since)
RETURN DISTINCT e.id AS episode_id, o.id AS other_id, e2.id AS other_episode_id,
       x.id AS shared_id,
       COLLECT { MATCH (r:Report) WHERE r.id IN mine AND NOT coalesce(r.retracted, false)
                 RETURN {id: r.id, observed_at: toString(r.observed_at)} } AS mine,
       COLLECT { MATCH (r:Report) WHERE r.id IN theirs AND NOT coalesce(r.retracted, false)
                 RETURN {id: r.id, observed_at: toString(r.observed_at)} } AS theirs,
       COLLECT { MATCH (r:Report)-[m:MENTIONS]->(x)
                 WHERE r.id IN naming AND NOT coalesce(r.retracted, false)
                 RETURN {id: r.id, name: m.name} } AS names
"""

# Where the child was found or seen, by each report, with what and whom around them. The place
# is named as that report names it, in the areas it gives (else the latest report that gives
# them: `area_reports`), and its drugs-house status comes with the reports that give it.
WHEREABOUTS = """
MATCH (p:Person {id: $person_id})-[s:SEEN_AT]->(l:Location)
WHERE s.last_seen >= datetime($since)
UNWIND s.report_ids AS report_id
MATCH (r:Report {id: report_id})-[:MENTIONS]->(p)
WHERE r.observed_at >= datetime($since)
CALL (r, p) {
  OPTIONAL MATCH (r)-[am:MENTIONS]->(a:Person)
  WHERE a <> p AND NOT coalesce(am.young_person, false)
    AND am.part IN ['present', 'found_with', 'seen', 'approacher']
  RETURN collect(DISTINCT am.name) AS adults
}
CALL (r, p) {
  OPTIONAL MATCH (p)-[:WENT_MISSING]->(e:MissingEpisode)
  WHERE e.ended_by = r.id
  RETURN collect(e.circumstances)[0] AS circumstances
}
CALL (r, l) {
  OPTIONAL MATCH (a:Report)-[ma:MENTIONS]->(l)
  WHERE NOT coalesce(a.retracted, false)
    AND (ma.local_authority IS NOT NULL OR ma.police_force_area IS NOT NULL)
  WITH a, ma ORDER BY a = r DESC, a.observed_at DESC, a.id DESC
  LIMIT 1
  RETURN ma.local_authority AS local_authority, ma.police_force_area AS police_force_area,
         CASE WHEN a IS NULL THEN [] ELSE [{id: a.id, observed_at: toString(a.observed_at)}] END
           AS area_reports
}
RETURN DISTINCT l.id AS place_id, head([(r)-[ml:MENTIONS]->(l) | ml.name]) AS place_name,
       local_authority, police_force_area, area_reports,
       COLLECT { MATCH (d:Report)
                 WHERE d.id IN coalesce(l.drugs_house_reports, [])
                   AND NOT coalesce(d.retracted, false)
                 RETURN {id: d.id, observed_at: toString(d.observed_at)} } AS drugs_house_reports,
       r.id AS report_id, toString(r.observed_at) AS observed_at, r.type AS report_type,
       coalesce(r.items, []) AS items, adults, circumstances
"""

# The child's departures since a time, with the places they name as the departure's report names
# them; retracted reports are left out.
DEPARTURES_OF = """
MATCH (p:Person {id: $person_id})-[:DEPARTED]->(d:Departure)
WHERE d.left_at >= datetime($since)
MATCH (r:Report {id: d.report_id})
WHERE NOT coalesce(r.retracted, false)
OPTIONAL MATCH (d)-[:LEFT_FROM]->(f:Location)
OPTIONAL MATCH (d)-[:HEADING_TO]->(t:Location)
OPTIONAL MATCH (d)-[:LEAVING_BY]->(b:Location)
RETURN d.id AS id, r.id AS report_id, toString(d.left_at) AS left_at,
       toString(d.expected_back) AS expected_back, coalesce(d.carrying, []) AS carrying,
       d.money_gbp AS money_gbp, d.transport AS transport, coalesce(d.escorted, false) AS escorted,
       coalesce(d.meeting, []) AS meeting,
       CASE WHEN f IS NULL THEN null
            ELSE {id: f.id, name: head([(r)-[m:MENTIONS]->(f) | m.name]),
                  category: head([(r)-[m:MENTIONS]->(f) | m.category])} END AS left_from,
       CASE WHEN t IS NULL THEN null
            ELSE {id: t.id, name: head([(r)-[m:MENTIONS]->(t) | m.name]),
                  category: head([(r)-[m:MENTIONS]->(t) | m.category])} END AS going_to,
       CASE WHEN b IS NULL THEN null
            ELSE {id: b.id, name: head([(r)-[m:MENTIONS]->(b) | m.name]),
                  category: head([(r)-[m:MENTIONS]->(b) | m.category])} END AS leaving_by
ORDER BY d.left_at, d.id
"""
