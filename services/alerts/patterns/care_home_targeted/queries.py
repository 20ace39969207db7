"""Cypher of P14 care home targeted. Values are $parameters. It starts from each entity it is
given, found by its id (a batch's entities in one statement: `UNWIND $ids AS for_id`, each row
naming its entity in `for_id`), and reads only their links within the window, so the cost of an
event does not grow with the size of the graph.

Entities are named as the report that links them does (what its MENTIONS keeps), never by
the node's own properties.
"""

# An adult as GET_ANCHOR (alerts) says; a professional as any report (not retracted) says.
GET_EXTERNAL = """
UNWIND $ids AS for_id
MATCH (e:Entity {id: for_id})
WHERE e:Person OR e:Vehicle OR e:Phone OR e:Handle
OPTIONAL MATCH (r:Report)-[m:MENTIONS]->(e)
WHERE NOT coalesce(r.retracted, false)
WITH for_id, e, collect(m.young_person) AS young, collect(m.role) AS roles
WITH for_id, e.id AS id, e.kind AS kind,
       CASE WHEN 'professional' IN roles THEN 'professional' ELSE head(roles) END AS role,
       size(young) > 0 AND none(y IN young WHERE y) AS adult
RETURN collect({for_id: for_id, id: id, kind: kind, role: role, adult: adult}) AS rows
"""

# Residents of care homes directly linked to the entity ($links: relationship types), with the
# reports that say where they are placed (PLACED_AT) and what those reports call the home. A care
# home as the reports that are not retracted give its category (the earliest that is not
# 'other', as services/alerts/queries.py GET_STANDING), with the reports that give it; `traits`
# as in the pupils' queries. The links are gathered by home before its category is read.
FIND_RESIDENTS_LINKED = """
UNWIND $ids AS for_id
MATCH (e:Entity {id: for_id})-[l]-(p:Person)-[pl:PLACED_AT]->(h:Location)
WHERE type(l) IN $links AND l.last_seen >= datetime($since)
WITH h, collect({for_id: for_id, e: e, l: l, p: p, pl: pl}) AS placed
CALL (h) {
  MATCH (c:Report)-[mc:MENTIONS]->(h)
  WHERE NOT coalesce(c.retracted, false) AND coalesce(mc.category, 'other') <> 'other'
  WITH c, mc ORDER BY c.observed_at, c.id
  RETURN collect({id: c.id, observed_at: toString(c.observed_at), category: mc.category})
    AS categorised
}
WITH h, placed, categorised
WHERE head(categorised).category = 'care_home'
UNWIND placed AS one
WITH one.for_id AS for_id, one.e AS e, one.l AS l, one.p AS p, one.pl AS pl, h, categorised
UNWIND l.report_ids AS report_id
MATCH (r:Report {id: report_id})-[m:MENTIONS]->(p)
USING INDEX r:Report(id)
WHERE r.observed_at >= datetime($since)
WITH p, collect({for_id: for_id, e: e, l: l, pl: pl, h: h, categorised: categorised, r: r,
                 m: m}) AS links
WITH *, p {.young_reports, young_at: toStringList(p.young_reports_at), .needs_reports,
           needs_at: toStringList(p.needs_reports_at), .aged_reports,
           aged_at: toStringList(p.aged_reports_at), .aged_reports_age} AS traits
UNWIND links AS link
WITH link.for_id AS for_id, link.e AS e, link.l AS l, p, link.pl AS pl, link.h AS h,
     link.categorised AS categorised, link.r AS r, link.m AS m, traits
WITH DISTINCT for_id, p.id AS person_id, m.name AS person_name, m.age AS age,
       coalesce(m.learning_disability, false) OR coalesce(m.additional_needs, false)
         AS vulnerable, traits,
       [x IN categorised WHERE x.category = 'care_home' | {id: x.id, observed_at: x.observed_at}]
         AS category_reports,
       h.id AS home_id, head([(r)-[mh:MENTIONS]->(h) | mh.name]) AS home_name,
       COLLECT { MATCH (a:Report)-[ma:MENTIONS]->(h)
                 USING INDEX a:Report(id)
                 WHERE a.id IN pl.report_ids AND NOT coalesce(a.retracted, false)
                 RETURN {id: a.id, observed_at: toString(a.observed_at), name: ma.name} }
         AS residency,
       head([(r)-[me:MENTIONS]->(e) | me.name]) AS entity_name,
       type(l) AS link, r.id AS report_id, toString(r.observed_at) AS observed_at
RETURN collect({for_id: for_id, person_id: person_id, person_name: person_name, age: age,
                vulnerable: vulnerable, traits: traits, category_reports: category_reports,
                home_id: home_id, home_name: home_name, residency: residency,
                entity_name: entity_name, link: link, report_id: report_id,
                observed_at: observed_at}) AS rows
"""
