"""Cypher of P04 harbouring adult. Values are $parameters. It starts from each entity it is given,
found by its id (a batch's entities in one statement: `UNWIND $ids AS for_id`, each row naming its
entity in `for_id`), and reads only their links within the window, so the cost of an event does not
grow with the size of the graph.

Entities are named as the report that links them does (what its MENTIONS keeps), never by
the node's own properties.
"""

# Adults a child was found with, or at whose address the child was found, while missing.
HARBOURERS_OF = """
UNWIND $ids AS for_id
MATCH (p:Person {id: for_id})-[:WENT_MISSING]->(e:MissingEpisode)
WHERE coalesce(e.ended_at, e.started_at) >= datetime($since)
CALL (e) {
  MATCH (e)-[:FOUND_WITH_PERSON]->(a:Person) RETURN a
  UNION
  MATCH (e)-[:FOUND_AT]->(:Location)<-[:TENANT_OF]-(a:Person) RETURN a
}
WITH DISTINCT for_id, a.id AS adult_id
RETURN collect({for_id: for_id, adult_id: adult_id}) AS rows
"""

# Each episode in which a child was found with the adult, or at the adult's address, with the
# reports that say the adult is the tenant there (the found report says the rest).
HARBOURED_BY = """
UNWIND $ids AS for_id
MATCH (a:Person {id: for_id})
CALL (a) {
  MATCH (a)<-[:FOUND_WITH_PERSON]-(e:MissingEpisode) RETURN e, false AS as_tenant, [] AS tenancy
  UNION
  MATCH (a)-[t:TENANT_OF]->(:Location)<-[:FOUND_AT]-(e:MissingEpisode)
  RETURN e, true AS as_tenant,
         COLLECT { MATCH (r:Report) WHERE r.id IN t.report_ids AND NOT coalesce(r.retracted, false)
                   RETURN {id: r.id, observed_at: toString(r.observed_at)} } AS tenancy
}
WITH for_id, e, as_tenant, tenancy
WHERE coalesce(e.ended_at, e.started_at) >= datetime($since)
MATCH (c:Person)-[:WENT_MISSING]->(e)
WITH for_id, c.id AS child_id, e.id AS episode_id, as_tenant, tenancy
RETURN collect({for_id: for_id, child_id: child_id, episode_id: episode_id,
                as_tenant: as_tenant, tenancy: tenancy}) AS rows
"""
