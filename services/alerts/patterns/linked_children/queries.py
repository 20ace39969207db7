"""Cypher of P04, P06 (a), P17 linked children. Values are $parameters. It starts from each entity
it is given, found by its id (a batch's entities in one statement: `UNWIND $ids AS for_id`, each
row naming its entity in `for_id`), and reads only their links within the window, so the cost of an
event does not grow with the size of the graph.

Entities are named as the report that links them does (what its MENTIONS keeps), never by
the node's own properties.
"""

# A person is an adult when reports (not retracted) mention them and none calls them a young
# person: never from the node's role, which any report (a retracted one too) may have given.
GET_ANCHOR = """
UNWIND $ids AS for_id
MATCH (e:Entity {id: for_id})
WHERE e:Person OR e:Vehicle OR e:Phone
OPTIONAL MATCH (r:Report)-[m:MENTIONS]->(e)
WHERE NOT coalesce(r.retracted, false)
WITH for_id, e, collect(m.young_person) AS young
WITH for_id, e.id AS id, e.kind AS kind,
       (size(young) > 0 AND none(y IN young WHERE y)) AS adult
RETURN collect({for_id: for_id, id: id, kind: kind, adult: adult}) AS rows
"""

# Direct links only (association, approach, found-with, vehicle, phone, online), never
# co-presence at a place, and only reports within the window that name the other as a child;
# each names the child and the entity, and gives the child's needs, as that report does. A link
# last seen before the window (its latest report's time, kept at link time) is passed over unread.
# `traits`: what the reports (not retracted) say of their age and needs, kept on the person.
FIND_CHILDREN_LINKED = """
UNWIND $ids AS for_id
MATCH (e:Entity {id: for_id})
      -[l:ASSOCIATES_WITH|APPROACHED|FOUND_WITH|IN_VEHICLE|USES_PHONE|CONTACTED_BY|LINKED_ONLINE
         |NO_CONTACT_WITH]-(p:Person)
WHERE l.last_seen >= datetime($since)
UNWIND l.report_ids AS report_id
MATCH (r:Report {id: report_id})-[m:MENTIONS]->(p)
USING INDEX r:Report(id)
WHERE r.observed_at >= datetime($since)
  AND (m.young_person OR (m.age IS NULL
       AND NOT coalesce(m.role, 'unknown') IN ['adult', 'parent_carer', 'vulnerable_adult',
                                                'professional']))
WITH p, collect({for_id: for_id, e: e, r: r, m: m}) AS links
WITH *, p {.young_reports, young_at: toStringList(p.young_reports_at), .needs_reports,
           needs_at: toStringList(p.needs_reports_at), .aged_reports,
           aged_at: toStringList(p.aged_reports_at), .aged_reports_age} AS traits
UNWIND links AS link
WITH link.for_id AS for_id, link.e AS e, p, link.r AS r, link.m AS m, traits
WHERE m.young_person OR size(traits.young_reports) > 0
WITH DISTINCT for_id, p.id AS person_id, m.name AS person_name, m.age AS age,
       coalesce(m.learning_disability, false) OR coalesce(m.additional_needs, false)
         AS vulnerable,
       coalesce(m.young_person, false) AS young_here, traits,
       head([(r)-[me:MENTIONS]->(e) | me.name]) AS named_there,
       r.id AS report_id, toString(r.observed_at) AS observed_at
RETURN collect({for_id: for_id, person_id: person_id, person_name: person_name, age: age,
                vulnerable: vulnerable, young_here: young_here, traits: traits,
                named_there: named_there, report_id: report_id, observed_at: observed_at}) AS rows
"""
