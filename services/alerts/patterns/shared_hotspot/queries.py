"""Cypher of P01 shared hotspot. Values are $parameters. It starts from each place it is given,
found by its id (a batch's places in one statement, each row naming its place in `for_id`), and
reads only their links within the window, so the cost of an event does not grow with the size
of the graph.

Entities are named as the report that links them does (what its MENTIONS keeps), never by
the node's own properties.
"""

# Each young person linked to the place, once, with every report that links them, naming both as
# that report does, and whether it says they were approached there (all that counts at a
# protective place): a report that calls them a young person, or leaves their age unknown (no
# age, no adult role) of someone another report (not retracted) calls one. `traits`: what the
# reports that are not retracted say of their age and needs, for the alert to cite the one it
# relies on (`young_here` false), kept on the person as reports are linked and retracted
# (services/network/linking/queries.py MERGE_PERSONS), so read, not worked out, here. A link
# last seen before the window (its latest report's time, kept at link time) is passed over unread.
FIND_YOUNG_PEOPLE_AT_PLACE = """
UNWIND $ids AS for_id
MATCH (l:Location {id: for_id})<-[s:SEEN_AT]-(p:Person)
WHERE s.last_seen >= datetime($since)
UNWIND s.report_ids AS report_id
MATCH (r:Report {id: report_id})-[m:MENTIONS]->(p)
USING INDEX r:Report(id)
WHERE r.observed_at >= datetime($since)
  AND (m.young_person OR (m.age IS NULL
       AND NOT coalesce(m.role, 'unknown') IN ['adult', 'parent_carer', 'vulnerable_adult',
                                                'professional']))
WITH for_id, p,
     collect(DISTINCT {person_name: m.name, age: m.age,
                       young_here: coalesce(m.young_person, false),
                       place_name: head([(r)-[ml:MENTIONS]->(l) | ml.name]),
                       approached: m.part = 'approached',
                       report_id: r.id, observed_at: toString(r.observed_at)}) AS sightings
WITH p, collect({for_id: for_id, sightings: sightings}) AS places
WITH *, p {.young_reports, young_at: toStringList(p.young_reports_at), .needs_reports,
           needs_at: toStringList(p.needs_reports_at), .aged_reports,
           aged_at: toStringList(p.aged_reports_at), .aged_reports_age} AS traits
UNWIND places AS place
WITH place.for_id AS for_id, p, traits,
     [x IN place.sightings WHERE x.young_here OR size(traits.young_reports) > 0] AS sightings
WHERE size(sightings) > 0
WITH for_id, p.id AS person_id, traits, sightings
RETURN collect({for_id: for_id, person_id: person_id, traits: traits, sightings: sightings}) AS rows
"""

# The same, for each place and the reports of a batch that linked it (each request's
# `report_ids`), of only the people those reports link to the place: all their links there, so
# what a report changes of a person (a first report calling them young makes their earlier links
# count) is read whole. A person comes with no sightings when none of theirs counts any more, and
# does not come when no report since the window's start links them as a young person may be (a
# report adds links and traits, never takes them away: only a retraction, which is worked out in
# full, does).
FIND_YOUNG_PEOPLE_NAMED_AT_PLACE = """
UNWIND $requests AS request
MATCH (l:Location {id: request.for_id})
WITH l, request.for_id AS for_id, request.report_ids AS report_ids
UNWIND report_ids AS named_by
MATCH (named:Report {id: named_by})-[:MENTIONS]->(p:Person)-[s:SEEN_AT]->(l)
USING INDEX named:Report(id)
WITH DISTINCT for_id, l, p, s
WHERE s.last_seen >= datetime($since)
UNWIND s.report_ids AS report_id
MATCH (r:Report {id: report_id})-[m:MENTIONS]->(p)
USING INDEX r:Report(id)
WHERE r.observed_at >= datetime($since)
  AND (m.young_person OR (m.age IS NULL
       AND NOT coalesce(m.role, 'unknown') IN ['adult', 'parent_carer', 'vulnerable_adult',
                                                'professional']))
WITH for_id, p,
     collect(DISTINCT {person_name: m.name, age: m.age,
                       young_here: coalesce(m.young_person, false),
                       place_name: head([(r)-[ml:MENTIONS]->(l) | ml.name]),
                       approached: m.part = 'approached',
                       report_id: r.id, observed_at: toString(r.observed_at)}) AS sightings
WITH p, collect({for_id: for_id, sightings: sightings}) AS places
WITH *, p {.young_reports, young_at: toStringList(p.young_reports_at), .needs_reports,
           needs_at: toStringList(p.needs_reports_at), .aged_reports,
           aged_at: toStringList(p.aged_reports_at), .aged_reports_age} AS traits
UNWIND places AS place
WITH place.for_id AS for_id, p, traits,
     [x IN place.sightings WHERE x.young_here OR size(traits.young_reports) > 0] AS sightings
WITH for_id, p.id AS person_id, traits, sightings
RETURN collect({for_id: for_id, person_id: person_id, traits: traits, sightings: sightings}) AS rows
"""
