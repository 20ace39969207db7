"""Cypher of P11 trap house. Values are $parameters. It starts from each entity it is given, found
by its id (a batch's entities in one statement: `UNWIND $ids AS for_id`, each row naming its entity
in `for_id`), and reads only their links within the window, so the cost of an event does not grow
with the size of the graph.

Entities are named as the report that links them does (what its MENTIONS keeps), never by
the node's own properties.
"""

# The premises, and the first report (not retracted) that gave it drugs-house status: a status no
# report gives is none.
GET_PREMISES = """
UNWIND $ids AS for_id
MATCH (l:Location {id: for_id})
OPTIONAL MATCH (sr:Report {id: l.drugs_house_report})
WHERE NOT coalesce(sr.retracted, false)
WITH for_id, l.id AS id, coalesce(l.drugs_house, false) AND sr IS NOT NULL AS drugs_house,
       toString(l.drugs_house_since) AS since, sr.id AS status_report,
       head([(sr)-[m:MENTIONS]->(l) | m.name]) AS status_name
RETURN collect({for_id: for_id, id: id, drugs_house: drugs_house, since: since,
                status_report: status_report, status_name: status_name}) AS rows
"""

# Each report that links a young person to the premises, as FIND_YOUNG_PEOPLE_AT_PLACE (alerts);
# `traits`: what the reports (not retracted) say of their age and needs, kept on the person.
FIND_CHILDREN_AT_PREMISES = """
UNWIND $ids AS for_id
MATCH (l:Location {id: for_id})<-[s:SEEN_AT|FREQUENTS]-(p:Person)
WHERE s.last_seen >= datetime($since)
UNWIND s.report_ids AS report_id
MATCH (r:Report {id: report_id})-[m:MENTIONS]->(p)
USING INDEX r:Report(id)
WHERE r.observed_at >= datetime($since)
  AND (m.young_person OR (m.age IS NULL
       AND NOT coalesce(m.role, 'unknown') IN ['adult', 'parent_carer', 'vulnerable_adult',
                                                'professional']))
WITH p, collect({for_id: for_id, l: l, r: r, m: m}) AS links
WITH *, p {.young_reports, young_at: toStringList(p.young_reports_at), .needs_reports,
           needs_at: toStringList(p.needs_reports_at), .aged_reports,
           aged_at: toStringList(p.aged_reports_at), .aged_reports_age} AS traits
UNWIND links AS link
WITH link.for_id AS for_id, link.l AS l, p, link.r AS r, link.m AS m, traits
WHERE m.young_person OR size(traits.young_reports) > 0
WITH DISTINCT for_id, p.id AS person_id, m.name AS person_name, m.age AS age,
       coalesce(m.learning_disability, false) OR coalesce(m.additional_needs, false)
         AS vulnerable,
       coalesce(m.young_person, false) AS young_here, traits,
       head([(r)-[ml:MENTIONS]->(l) | ml.name]) AS named_there,
       r.id AS report_id, toString(r.observed_at) AS observed_at
RETURN collect({for_id: for_id, person_id: person_id, person_name: person_name, age: age,
                vulnerable: vulnerable, young_here: young_here, traits: traits,
                named_there: named_there, report_id: report_id, observed_at: observed_at}) AS rows
"""

FIND_DRUGS_HOUSES_OF = """
UNWIND $ids AS for_id
MATCH (p:Person {id: for_id})-[s:SEEN_AT|FREQUENTS]->(l:Location)
WHERE l.drugs_house AND s.last_seen >= datetime($since)
WITH DISTINCT for_id, l.id AS location_id
ORDER BY location_id
RETURN collect({for_id: for_id, location_id: location_id}) AS rows
"""
