"""Cypher of P08 co-missing. Values are $parameters. It starts from each entity it is given, found
by its id (a batch's entities in one statement: `UNWIND $ids AS for_id`, each row naming its entity
in `for_id`), and reads only their links within the window, so the cost of an event does not grow
with the size of the graph.

Entities are named as the report that links them does (what its MENTIONS keeps), never by
the node's own properties.
"""

# Other children's episodes that share a found place, a found-with person or a vehicle with the
# child's own, or that the child was found with. A found place or person is stated by the
# reports that ended the episodes; a vehicle by the reports that put each child in it (`mine`,
# `theirs`). `names`: what those reports call what is shared.
SHARED_EPISODES = """
UNWIND $ids AS for_id
MATCH (p:Person {id: for_id})-[:WENT_MISSING]->(e:MissingEpisode)
WHERE coalesce(e.started_at, e.ended_at) >= datetime($since)
CALL (p, e) {
  MATCH (e)-[:FOUND_AT]->(x:Location)<-[:FOUND_AT]-(e2:MissingEpisode)<-[:WENT_MISSING]-(o:Person)
  RETURN x, e2, o, [] AS mine, [] AS theirs, [e.ended_by, e2.ended_by] AS naming
  UNION
  MATCH (e)-[:FOUND_WITH_PERSON]->(x:Person)<-[:FOUND_WITH_PERSON]-(e2:MissingEpisode)
        <-[:WENT_MISSING]-(o:Person)
  RETURN x, e2, o, [] AS mine, [] AS theirs, [e.ended_by, e2.ended_by] AS naming
  UNION
  MATCH (e)-[:FOUND_WITH_PERSON]->(o:Person)-[:WENT_MISSING]->(e2:MissingEpisode)
  RETURN o AS x, e2, o, [] AS mine, [] AS theirs, [e.ended_by] AS naming
  UNION
  MATCH (p)-[a:IN_VEHICLE]->(x:Vehicle)<-[b:IN_VEHICLE]-(o:Person)
        -[:WENT_MISSING]->(e2:MissingEpisode)
  RETURN x, e2, o, a.report_ids AS mine, b.report_ids AS theirs,
         a.report_ids + b.report_ids AS naming
}
WITH for_id, p, e, x, e2, o, mine, theirs, naming
WHERE o <> p AND coalesce(e2.started_at, e2.ended_at) >= datetime($since)
WITH DISTINCT for_id, e.id AS episode_id, o.id AS other_id, e2.id AS other_episode_id,
       x.id AS shared_id,
       COLLECT { MATCH (r:Report) WHERE r.id IN mine AND NOT coalesce(r.retracted, false)
                 RETURN {id: r.id, observed_at: toString(r.observed_at)} } AS mine,
       COLLECT { MATCH (r:Report) WHERE r.id IN theirs AND NOT coalesce(r.retracted, false)
                 RETURN {id: r.id, observed_at: toString(r.observed_at)} } AS theirs,
       COLLECT { MATCH (r:Report)-[m:MENTIONS]->(x)
                 USING INDEX r:Report(id)
                 WHERE r.id IN naming AND NOT coalesce(r.retracted, false)
                 RETURN {id: r.id, name: m.name} } AS names
RETURN collect({for_id: for_id, episode_id: episode_id, other_id: other_id,
                other_episode_id: other_episode_id, shared_id: shared_id, mine: mine,
                theirs: theirs, names: names}) AS rows
"""
