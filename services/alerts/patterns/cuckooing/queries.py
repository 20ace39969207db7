"""Cypher of P12 cuckooing. Values are $parameters. It starts from each entity it is given, found
by its id (a batch's entities in one statement: `UNWIND $ids AS for_id`, each row naming its entity
in `for_id`), and reads only their links within the window, so the cost of an event does not grow
with the size of the graph.

Entities are named as the report that links them does (what its MENTIONS keeps), never by
the node's own properties.
"""

# The address: its local authority as the latest report that gives one does (kept on the place as
# reports are linked and retracted: services/network/linking/queries.py); the reports behind
# its vulnerable-tenant and cuckooing statuses (not retracted), with what each calls it; and each
# tenant with what the reports that say they are the tenant (TENANT_OF) say of them.
GET_ADDRESS = """
UNWIND $ids AS for_id
MATCH (l:Location {id: for_id})
CALL (l) {
  MATCH (t:Person)-[tl:TENANT_OF]->(l)
  MATCH (r:Report)-[m:MENTIONS]->(t)
  WHERE r.id IN tl.report_ids AND NOT coalesce(r.retracted, false)
  WITH t, collect({id: r.id, observed_at: toString(r.observed_at), name: m.name, role: m.role})
         AS said
  RETURN collect({id: t.id, said: said}) AS tenants
}
WITH for_id, l.id AS id, l.la_latest AS local_authority,
       CASE WHEN l.la_latest_report IS NULL THEN []
            ELSE [{id: l.la_latest_report, observed_at: toString(l.la_latest_at)}] END
         AS area_reports, tenants,
       COLLECT { MATCH (r:Report)
                 WHERE r.id IN coalesce(l.vulnerable_tenant_reports, [])
                   AND NOT coalesce(r.retracted, false)
                 RETURN {id: r.id, observed_at: toString(r.observed_at),
                         name: head([(r)-[m:MENTIONS]->(l) | m.name])} } AS vulnerable_tenant,
       COLLECT { MATCH (r:Report)
                 WHERE r.id IN coalesce(l.cuckooing_reports, [])
                   AND NOT coalesce(r.retracted, false)
                 RETURN {id: r.id, observed_at: toString(r.observed_at),
                         name: head([(r)-[m:MENTIONS]->(l) | m.name])} } AS cuckooing
RETURN collect({for_id: for_id, id: id, local_authority: local_authority,
                area_reports: area_reports, tenants: tenants,
                vulnerable_tenant: vulnerable_tenant, cuckooing: cuckooing}) AS rows
"""

# Each report that places a person at the address, as that report names and describes them;
# where it does not give their home authority, the latest report that does (`home_reports`);
# `traits`: what the reports (not retracted) say of their age and needs, kept on the person as
# reports are linked (services/network/linking/queries.py MERGE_PERSONS); a professional as any
# report (not retracted) says (a professional is no visitor: that can only keep an alert back).
# The links are gathered by person first, so what is the person's (the reports that give a home
# authority, newest first, whether a professional) is read once a person, not once a link.
FIND_VISITS_AT_ADDRESS = """
UNWIND $ids AS for_id
MATCH (l:Location {id: for_id})<-[s:SEEN_AT]-(p:Person)
WHERE s.last_seen >= datetime($since)
UNWIND s.report_ids AS report_id
MATCH (r:Report {id: report_id})-[m:MENTIONS]->(p)
USING INDEX r:Report(id)
WHERE r.observed_at >= datetime($since)
WITH p, collect({for_id: for_id, l: l, r: r, m: m}) AS links
CALL (p) {
  MATCH (h:Report)-[mh:MENTIONS]->(p)
  WHERE NOT coalesce(h.retracted, false) AND mh.home_local_authority IS NOT NULL
  WITH h, mh ORDER BY h.observed_at DESC, h.id DESC
  RETURN collect({id: h.id, observed_at: toString(h.observed_at),
                  home_local_authority: mh.home_local_authority}) AS homes
}
WITH p, links, homes,
     p {.young_reports, young_at: toStringList(p.young_reports_at), .needs_reports,
        needs_at: toStringList(p.needs_reports_at), .aged_reports,
        aged_at: toStringList(p.aged_reports_at), .aged_reports_age} AS traits,
     EXISTS { (x:Report)-[mx:MENTIONS]->(p)
              WHERE mx.role = 'professional' AND NOT coalesce(x.retracted, false) }
       AS professional
UNWIND links AS link
WITH link.for_id AS for_id, p, homes, traits, professional, link.l AS l, link.r AS r,
     link.m AS m
WITH for_id, p, traits, professional, l, r, m,
     coalesce(head([x IN homes WHERE x.id = r.id]), head(homes)) AS home
WITH DISTINCT for_id, p.id AS person_id, m.name AS person_name, m.age AS age,
       coalesce(m.young_person, false) AS young,
       m.age IS NULL AND NOT coalesce(m.role, 'unknown') IN ['adult', 'parent_carer',
                                                             'vulnerable_adult', 'professional']
         AS age_unknown, traits,
       coalesce(m.learning_disability, false) OR coalesce(m.additional_needs, false)
         AS vulnerable,
       home.home_local_authority AS home_local_authority,
       CASE WHEN home IS NULL THEN []
            ELSE [{id: home.id, observed_at: home.observed_at}] END AS home_reports,
       CASE WHEN professional THEN 'professional' ELSE coalesce(m.role, 'unknown') END AS role,
       head([(r)-[ml:MENTIONS]->(l) | ml.name]) AS place_name,
       r.id AS report_id, toString(r.observed_at) AS observed_at
RETURN collect({for_id: for_id, person_id: person_id, person_name: person_name, age: age,
                young: young, age_unknown: age_unknown, traits: traits, vulnerable: vulnerable,
                home_local_authority: home_local_authority, home_reports: home_reports,
                role: role, place_name: place_name, report_id: report_id,
                observed_at: observed_at}) AS rows
"""
