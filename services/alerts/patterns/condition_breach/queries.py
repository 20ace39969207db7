"""Cypher of P22 protective condition breach. Values are $parameters. It starts from each entity it
is given, found by its id (a batch's entities in one statement: `UNWIND $ids AS for_id`, each row
naming its entity in `for_id`), and reads only their links within the window, so the cost of an
event does not grow with the size of the graph.

Entities are named as the report that links them does (what its MENTIONS keeps), never by
the node's own properties.
"""

# Orders against the person, named as the order's report names them; a retracted order is none.
FIND_ORDERS_OF = """
UNWIND $ids AS for_id
MATCH (s:Person {id: for_id})-[:SUBJECT_OF]->(o:ProtectiveOrder)
OPTIONAL MATCH (ro:Report {id: o.report_id})
WITH for_id, s, o, ro
WHERE NOT coalesce(ro.retracted, false)
OPTIONAL MATCH (o)-[:CENTRED_ON]->(c:Location)
WITH for_id, o.id AS id, o.kind AS kind, toString(o.issued_on) AS issued_on,
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
RETURN collect({for_id: for_id, id: id, kind: kind, issued_on: issued_on,
                expires_on: expires_on, radius_m: radius_m, subject_id: subject_id,
                subject_name: subject_name, centre: centre, protected: protected, areas: areas,
                report_id: report_id, observed_at: observed_at}) AS rows
"""

FIND_SIGHTINGS_OF = """
UNWIND $ids AS for_id
MATCH (s:Person {id: for_id})-[l:SEEN_AT]->(loc:Location)
WHERE l.last_seen >= datetime($since)
UNWIND l.report_ids AS report_id
MATCH (r:Report {id: report_id})
WHERE r.observed_at >= datetime($since)
CALL (r, loc) {
  OPTIONAL MATCH (r)-[m:MENTIONS]->(loc)
  RETURN collect(m)[0] AS m
}
WITH DISTINCT for_id, loc.id AS location_id, m.name AS name, m.lat AS lat, m.lon AS lon,
       m.local_authority AS local_authority, m.police_force_area AS police_force_area,
       r.id AS report_id, toString(r.observed_at) AS observed_at
RETURN collect({for_id: for_id, location_id: location_id, name: name, lat: lat, lon: lon,
                local_authority: local_authority, police_force_area: police_force_area,
                report_id: report_id, observed_at: observed_at}) AS rows
"""

# Direct links, and the same place or vehicle in the same report, with each protected person.
FIND_CONTACTS_WITH = """
UNWIND $ids AS for_id
MATCH (s:Person {id: for_id})
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
WITH DISTINCT for_id, p.id AS person_id, how, r.id AS report_id,
       toString(r.observed_at) AS observed_at
RETURN collect({for_id: for_id, person_id: person_id, how: how, report_id: report_id,
                observed_at: observed_at}) AS rows
"""

# Subjects of orders in force on a day who were seen at the place since their order was issued.
FIND_ORDER_SUBJECTS_SEEN_AT = """
UNWIND $ids AS for_id
MATCH (l:Location {id: for_id})<-[s:SEEN_AT]-(p:Person)-[:SUBJECT_OF]->(o:ProtectiveOrder)
WHERE o.issued_on <= date($on) AND (o.expires_on IS NULL OR o.expires_on >= date($on))
  AND s.last_seen >= datetime({date: o.issued_on})
  AND NOT EXISTS { MATCH (r:Report {id: o.report_id}) WHERE r.retracted }
WITH DISTINCT for_id, p.id AS person_id
ORDER BY person_id
RETURN collect({for_id: for_id, person_id: person_id}) AS rows
"""
