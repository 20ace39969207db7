"""Cypher for the missing-episode detectors. Values are always $parameters.

Every query starts from the one person or vehicle it is given and reads only its neighbourhood
within the window, so its cost does not grow with the size of the graph.
"""

# The person as the latest report names them, whether any report calls them a young person,
# and the areas they have a known connection with (home, placement, school, places they go).
GET_PERSON = """
MATCH (p:Person {id: $person_id})
CALL (p) {
  MATCH (r:Report)-[m:MENTIONS]->(p)
  RETURN m ORDER BY r.observed_at DESC LIMIT 1
}
CALL (p) {
  OPTIONAL MATCH (r:Report)-[m:MENTIONS]->(p)
  RETURN any(y IN collect(m.young_person) WHERE y) AS young
}
CALL (p) {
  OPTIONAL MATCH (p)-[:PLACED_AT|ATTENDS|FREQUENTS]->(l:Location)
  RETURN collect(l.local_authority) + collect(l.police_force_area) AS areas
}
RETURN p.id AS id, coalesce(m.name, p.name) AS name, m.age AS age, young,
       coalesce(p.learning_disability, false) OR coalesce(p.additional_needs, false)
         AS vulnerable,
       [a IN areas + [p.home_local_authority] WHERE a IS NOT NULL] AS areas
"""

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
                 ELSE {id: c.id, name: coalesce(cm.name, c.name),
                       adult: NOT coalesce(cm.young_person, false), tenant: false} END)
         AS companions
}
CALL (l) {
  OPTIONAL MATCH (t:Person)-[:TENANT_OF]->(l)
  RETURN collect(DISTINCT CASE WHEN t IS NULL THEN null
                 ELSE {id: t.id, name: t.name, adult: true, tenant: true} END) AS tenants
}
RETURN e.id AS id, toString(e.started_at) AS started_at, toString(e.ended_at) AS ended_at,
       coalesce(e.items, []) AS items, e.circumstances AS circumstances,
       coalesce(e.condition, []) AS condition,
       opened.id AS opened_id, toString(opened.observed_at) AS opened_at,
       closed.id AS closed_id, toString(closed.observed_at) AS closed_at,
       l.id AS place_id, l.name AS place_name, l.local_authority AS local_authority,
       l.police_force_area AS police_force_area, coalesce(l.drugs_house, false) AS drugs_house,
       companions + tenants AS companions
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

HARBOURED_BY = """
MATCH (a:Person {id: $adult_id})
CALL (a) {
  MATCH (a)<-[:FOUND_WITH_PERSON]-(e:MissingEpisode) RETURN e, false AS as_tenant
  UNION
  MATCH (a)-[:TENANT_OF]->(:Location)<-[:FOUND_AT]-(e:MissingEpisode) RETURN e, true AS as_tenant
}
WITH e, as_tenant
WHERE coalesce(e.ended_at, e.started_at) >= datetime($since)
MATCH (c:Person)-[:WENT_MISSING]->(e)
RETURN c.id AS child_id, e.id AS episode_id, as_tenant
"""

VEHICLES_OF = """
MATCH (p:Person {id: $person_id})-[l:IN_VEHICLE]->(v:Vehicle)
WHERE l.last_seen >= datetime($since)
RETURN DISTINCT v.id AS vehicle_id
"""

GET_VEHICLE = """
MATCH (v:Vehicle {id: $vehicle_id})
RETURN v.id AS id, v.name AS name
"""

RIDES_IN = """
MATCH (v:Vehicle {id: $vehicle_id})<-[l:IN_VEHICLE]-(p:Person)
WHERE l.last_seen >= datetime($since)
UNWIND l.report_ids AS report_id
MATCH (r:Report {id: report_id})-[m:MENTIONS]->(p)
WHERE r.observed_at >= datetime($since) AND m.young_person
RETURN DISTINCT p.id AS person_id, r.id AS report_id, toString(r.observed_at) AS observed_at
"""

# Other children's episodes that share a found place, a found-with person or a vehicle with the
# child's own, or that the child was found with.
SHARED_EPISODES = """
MATCH (p:Person {id: $person_id})-[:WENT_MISSING]->(e:MissingEpisode)
WHERE coalesce(e.started_at, e.ended_at) >= datetime($since)
CALL (p, e) {
  MATCH (e)-[:FOUND_AT]->(x:Location)<-[:FOUND_AT]-(e2:MissingEpisode)<-[:WENT_MISSING]-(o:Person)
  RETURN x.id AS shared_id, x.name AS shared_name, e2, o
  UNION
  MATCH (e)-[:FOUND_WITH_PERSON]->(x:Person)<-[:FOUND_WITH_PERSON]-(e2:MissingEpisode)
        <-[:WENT_MISSING]-(o:Person)
  RETURN x.id AS shared_id, x.name AS shared_name, e2, o
  UNION
  MATCH (e)-[:FOUND_WITH_PERSON]->(o:Person)-[:WENT_MISSING]->(e2:MissingEpisode)
  RETURN o.id AS shared_id, o.name AS shared_name, e2, o
  UNION
  MATCH (p)-[:IN_VEHICLE]->(x:Vehicle)<-[:IN_VEHICLE]-(o:Person)
        -[:WENT_MISSING]->(e2:MissingEpisode)
  RETURN x.id AS shared_id, x.name AS shared_name, e2, o
}
WITH e, shared_id, shared_name, e2, o
WHERE o <> p AND coalesce(e2.started_at, e2.ended_at) >= datetime($since)
RETURN DISTINCT e.id AS episode_id, o.id AS other_id, e2.id AS other_episode_id,
       shared_id, shared_name
"""

# Where the child was found or seen, by each report, with what and whom around them.
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
RETURN DISTINCT l.id AS place_id, l.name AS place_name, l.local_authority AS local_authority,
       l.police_force_area AS police_force_area, coalesce(l.drugs_house, false) AS drugs_house,
       r.id AS report_id, toString(r.observed_at) AS observed_at, r.type AS report_type,
       coalesce(r.items, []) AS items, adults, circumstances
"""

# The child's departures since a time, with the places they name; retracted reports are left out.
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
       CASE WHEN f IS NULL THEN null ELSE {id: f.id, name: f.name, category: f.category} END
         AS left_from,
       CASE WHEN t IS NULL THEN null ELSE {id: t.id, name: t.name, category: t.category} END
         AS going_to,
       CASE WHEN b IS NULL THEN null ELSE {id: b.id, name: b.name, category: b.category} END
         AS leaving_by
ORDER BY d.left_at, d.id
"""
