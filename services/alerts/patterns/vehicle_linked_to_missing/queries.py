"""Cypher of P06 (b) vehicle linked to missing. Values are $parameters. It starts from each entity
it is given, found by its id (a batch's entities in one statement: `UNWIND $ids AS for_id`, each
row naming its entity in `for_id`), and reads only their links within the window, so the cost of an
event does not grow with the size of the graph.

Entities are named as the report that links them does (what its MENTIONS keeps), never by
the node's own properties.
"""

VEHICLES_OF = """
UNWIND $ids AS for_id
MATCH (p:Person {id: for_id})-[l:IN_VEHICLE]->(v:Vehicle)
WHERE l.last_seen >= datetime($since)
WITH DISTINCT for_id, v.id AS vehicle_id
RETURN collect({for_id: for_id, vehicle_id: vehicle_id}) AS rows
"""

GET_VEHICLE = """
UNWIND $ids AS for_id
MATCH (v:Vehicle {id: for_id})
WITH for_id, v.id AS id
RETURN collect({for_id: for_id, id: id}) AS rows
"""

# Each report of a child in the vehicle: one that calls them a young person, or leaves their age
# unknown (the runner keeps only a child some report calls one, and the alert cites it).
RIDES_IN = """
UNWIND $ids AS for_id
MATCH (v:Vehicle {id: for_id})<-[l:IN_VEHICLE]-(p:Person)
WHERE l.last_seen >= datetime($since)
UNWIND l.report_ids AS report_id
MATCH (r:Report {id: report_id})-[m:MENTIONS]->(p)
USING INDEX r:Report(id)
WHERE r.observed_at >= datetime($since)
  AND (m.young_person OR (m.age IS NULL
       AND NOT coalesce(m.role, 'unknown') IN ['adult', 'parent_carer', 'vulnerable_adult',
                                                'professional']))
WITH DISTINCT for_id, p.id AS person_id, r.id AS report_id,
       toString(r.observed_at) AS observed_at,
       head([(r)-[mv:MENTIONS]->(v) | mv.name]) AS vehicle_name
RETURN collect({for_id: for_id, person_id: person_id, report_id: report_id,
                observed_at: observed_at, vehicle_name: vehicle_name}) AS rows
"""
