"""Cypher of P06 (b) vehicle linked to missing. Values are $parameters. It starts from the one
entity it is given, found by its id, and reads only its links within the window, so the cost of
an event does not grow with the size of the graph.

Entities are named as the report that links them does (what its MENTIONS keeps), never by
the node's own properties.
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
