"""Cypher of P21 departure risk. Values are $parameters. It starts from each entity it is given,
found by its id (a batch's entities in one statement: `UNWIND $ids AS for_id`, each row naming its
entity in `for_id`), and reads only their links within the window, so the cost of an event does not
grow with the size of the graph.

Entities are named as the report that links them does (what its MENTIONS keeps), never by
the node's own properties.
"""

# The child's departures since a time, with the places they name as the departure's report names
# them; retracted reports are left out.
DEPARTURES_OF = """
UNWIND $ids AS for_id
MATCH (p:Person {id: for_id})-[:DEPARTED]->(d:Departure)
WHERE d.left_at >= datetime($since)
MATCH (r:Report {id: d.report_id})
WHERE NOT coalesce(r.retracted, false)
OPTIONAL MATCH (d)-[:LEFT_FROM]->(f:Location)
OPTIONAL MATCH (d)-[:HEADING_TO]->(t:Location)
OPTIONAL MATCH (d)-[:LEAVING_BY]->(b:Location)
WITH for_id, d.id AS id, r.id AS report_id, toString(d.left_at) AS left_at,
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
RETURN collect({for_id: for_id, id: id, report_id: report_id, left_at: left_at,
                expected_back: expected_back, carrying: carrying, money_gbp: money_gbp,
                transport: transport, escorted: escorted, meeting: meeting,
                left_from: left_from, going_to: going_to, leaving_by: leaving_by}) AS rows
"""
