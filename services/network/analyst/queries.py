"""Cypher of the analyst API's reads. Values are always $parameters.

Every entity node also carries the label Entity (ids are unique across kinds: `person:...`,
`location:...`), so links and analyst queries can reach any kind through one index. Labels,
relationship types and shared properties are those schemas/graph.py declares; a link's type comes
from its LinkType enum, never from request text. A statement reads an evidence entry's field at
the position schemas/graph.py gives it, passed as `$evidence` (`evidence_fields()`).
"""

# ---------------------------------------------------------------- analyst reads
# Visibility: a link is visible when one of its evidence entries
# (`observed|source|intelligence|audience|report id`) names one of the caller's $audiences and
# meets the grading and time filters; a node when a report the caller may see mentions it.
# Links return their visible entries as `grading|report id|handling code` (P for the audience
# `all`, else C), so a caller learns a report's handling code but never its audiences.
# A link's count and first and last seen are those of the entries the caller may see, and a busy
# place's ten links are the latest by them ($busy: the places the reports the caller may see
# call a school, care home or station, not what the node's first report called it).
# A place's latest links (schemas/graph.py LATEST_LINKS_KEPT: for each audience, each link's
# latest time) rank its links without reading them when they can answer ($from_kept: no grading
# filter and no `until`, so a link's latest entry the caller may see is its latest kept time):
# every link of the caller's audiences later than the latest of their cutoffs is kept, so when
# more than `keep` of those are kept (or no audience of theirs has a cutoff), the first `keep`
# are the latest. Only the entries of the caller's audiences are read (their spans), and of each
# audience's (latest first, those of other types or before `since` left out unless $every_link)
# only the first `keep` + 1 and those as late as the last of them: a link ranked among the first
# `keep` + 1 by its latest entry the caller may see has that entry among them. Any other
# entity's links are read and ranked. Ties go by the other entity's id and the link's type, so
# both ways choose the same links. Only the links then shown are read (those the kept links
# chose found by the element id their entry keeps, checked to be a link of that type between
# those two entities, else by their two ends). An entity at the other end is checked
# for the caller once the links are cut to those shown: a link the caller may see is stated by
# a report that names both ends, so its other end is one they may see (checked all the same,
# never assumed).
# The network has room for so many entities more ($admit: the room left and one, so the caller
# can tell the network was cut): links to entities it already holds ($known) are all returned,
# and links to new ones only for the first $admit of them, latest seen first, so thousands of
# links a depth-2 network could not show are neither read, built nor sent. Each entry is split
# once and its fields read from the parts (five splits an entry took 15% more of the server's
# time). A retracted report is kept (r.retracted is set) but read by none of these: its evidence
# has left every link, entities' audiences were recomputed without it, and report reads skip it.

EXPAND_NEIGHBOURS = """
UNWIND range(0, size($ids) - 1) AS at
MATCH (n:Entity {id: $ids[at]})
WITH at, n, CASE WHEN n.id IN $busy THEN $busy_cap ELSE $cap END AS keep,
     $from_kept AND n.latest_links_spans IS NOT NULL AS keeps,
     CASE WHEN $from_kept THEN coalesce(n.latest_links, []) ELSE [] END AS kept,
     CASE WHEN $from_kept THEN coalesce(n.latest_links_spans, []) ELSE [] END AS spans,
     coalesce(n.latest_links_cutoff, []) AS cutoffs
CALL (kept, spans, keep) {
  UNWIND [x IN [s IN spans | split(s, '|')] WHERE x[$latest.span_audience] IN $audiences] AS span
  WITH kept[toInteger(span[$latest.span_start])..toInteger(span[$latest.span_end])] AS listed
  WITH CASE WHEN $every_link THEN listed
            ELSE [e IN listed WHERE split(e, '|')[$latest.type] IN $types
                                AND split(e, '|')[$latest.last] >= $since] END AS listed
  WITH listed, split(listed[keep], '|')[$latest.last] + '|' AS tied
  WITH listed[..keep + 1] + [e IN listed[keep + 1..] WHERE e STARTS WITH tied] AS chosen
  UNWIND [x IN [e IN chosen | split(e, '|')] | x] AS x
  WITH x[$latest.type] AS type, x[$latest.other] AS other, max(x[$latest.last]) AS last,
       max(x[$latest.link]) AS link_id
  ORDER BY last DESC, other, type
  RETURN collect({type: type, other: other, last: last, link_id: link_id}) AS ranked
}
WITH at, n, keep, keeps, ranked,
     reduce(cut = '', c IN cutoffs
            | CASE WHEN split(c, '|')[$latest.audience] IN $audiences
                        AND split(c, '|')[$latest.last] > cut
                   THEN split(c, '|')[$latest.last] ELSE cut END) AS cutoff
WITH at, n, keep, ranked,
     keeps AND (cutoff = '' OR size([r IN ranked WHERE r.last > cutoff]) > keep) AS answered
CALL (at, n, keep, ranked, answered) {
  WITH n, keep, ranked WHERE answered
  UNWIND ranked[..keep] AS pick
  RETURN pick.other AS other_id, pick.type AS type, pick.last AS last, null AS link,
         pick.link_id AS link_id, size(ranked) > keep AS capped
  UNION
  WITH n, keep WHERE NOT answered
  MATCH (n)-[l]-(m:Entity)
  WHERE type(l) IN $types
  WITH keep, l, m,
       [x IN [e IN l.evidence | split(e, '|')]
          WHERE x[$evidence.audience] IN $audiences AND x[$evidence.source] <= $max_source
            AND x[$evidence.intelligence] <= $max_intelligence
            AND $since <= x[$evidence.observed] <= $until
          | x[$evidence.observed]] AS times
  WHERE size(times) > 0
  WITH keep, l, m,
       reduce(last = head(times), t IN times | CASE WHEN t > last THEN t ELSE last END) AS last
  ORDER BY last DESC, m.id, type(l)
  WITH keep, collect({link: l, other: m, last: last}) AS found
  UNWIND found[..keep] AS f
  WITH f, size(found) > keep AS capped
  WHERE any(a IN f.other.audiences WHERE a IN $audiences)
  RETURN f.other.id AS other_id, type(f.link) AS type, f.last AS last, f.link AS link,
         null AS link_id, capped
}
WITH at, n, other_id, type, link, link_id, capped, last ORDER BY last DESC, at, other_id, type
WITH collect({n: n, other_id: other_id, type: type, link: link, link_id: link_id,
              capped: capped}) AS found
WITH found, reduce(new = [], f IN found
                   | CASE WHEN size(new) >= $admit OR f.other_id IN $known OR f.other_id IN new
                          THEN new ELSE new + f.other_id END) AS admitted
UNWIND [f IN found WHERE f.other_id IN $known OR f.other_id IN admitted] AS f
CALL (f) {
  WITH f WHERE f.link IS NULL
  OPTIONAL MATCH ()-[by_id]->()
  WHERE elementId(by_id) = f.link_id
  WITH f, CASE WHEN type(by_id) = f.type
                    AND (startNode(by_id) = f.n AND endNode(by_id).id = f.other_id
                         OR endNode(by_id) = f.n AND startNode(by_id).id = f.other_id)
               THEN by_id END AS found
  CALL (f, found) {
    WITH f WHERE found IS NULL
    MATCH (m:Entity {id: f.other_id})
    WITH f, m, f.n AS n
    MATCH (n)-[l]-(m)
    WHERE type(l) = f.type
    RETURN l
    UNION
    WITH found WHERE found IS NOT NULL
    RETURN found AS l
  }
  RETURN l
  UNION
  WITH f WHERE f.link IS NOT NULL
  RETURN f.link AS l
}
WITH f.n AS n, l, f.capped AS capped,
     [x IN [e IN l.evidence | split(e, '|')]
        WHERE x[$evidence.audience] IN $audiences AND x[$evidence.source] <= $max_source
          AND x[$evidence.intelligence] <= $max_intelligence
          AND $since <= x[$evidence.observed] <= $until] AS seen
WITH n, l, CASE WHEN startNode(l) = n THEN endNode(l) ELSE startNode(l) END AS m, capped, seen,
     [x IN seen | x[$evidence.observed]] AS times, [x IN seen | x[$evidence.report_id]] AS ids
WHERE size(seen) > 0 AND any(a IN m.audiences WHERE a IN $audiences)
RETURN collect({
  from_id: n.id, other_id: m.id, source: startNode(l).id, target: endNode(l).id,
  type: type(l),
  first_seen: toString(datetime(reduce(first = head(times), t IN times
                                       | CASE WHEN t < first THEN t ELSE first END))),
  last_seen: toString(datetime(reduce(last = head(times), t IN times
                                      | CASE WHEN t > last THEN t ELSE last END))),
  capped: capped,
  details: [x IN coalesce(l.detail_entries, []) WHERE left(x, 36) IN ids | substring(x, 37)],
  evidence: [x IN seen | x[$evidence.source] + x[$evidence.intelligence] + '|'
                         + x[$evidence.report_id] + '|'
                         + CASE x[$evidence.audience] WHEN 'all' THEN 'P' ELSE 'C' END]}) AS rows
"""

# A node's properties are what the reports the caller may see said of it (each MENTIONS keeps
# what its report said), never the node's own, which any report may have filled in: its name as
# the earliest of them (by observed_at, then id) names it, its category, coordinates and role as
# the earliest that gives one. Every entity keeps, per audience, the earliest report of each kind
# (linking/queries.py: a person's MERGE_PERSONS, with the earliest giving a role; a place's
# MERGE_LOCATIONS, with the earliest giving a category and coordinates; any other's
# KEEP_FIRST_SAID): the earliest the caller may see is the earliest of those their audiences
# hold, read with its mention, so no entity's every report is read (a county's reports may
# mention a place by the thousand, and a person by the hundred). This and EXPAND_NEIGHBOURS
# return their rows in one record (`rows`): the driver's cost is per record.
VISIBLE_NODES = """
UNWIND $ids AS id
MATCH (n:Entity {id: id})
WHERE any(a IN n.audiences WHERE a IN $audiences)
WITH n, [kept IN [n.said_first, n.said_first_category, n.said_first_located, n.said_first_role]
         | reduce(first = null, e IN coalesce(kept, [])
             | CASE WHEN substring(e, 59) IN $audiences AND (first IS NULL OR left(e, 58) < first)
                    THEN left(e, 58) ELSE first END)] AS firsts
CALL (n, firsts) {
  OPTIONAL MATCH (:Report {id: substring(firsts[0], 22)})-[named:MENTIONS]->(n)
  WITH head(collect(named.name)) AS label, head(collect(named.category)) AS said
  RETURN label, said
}
CALL (n, firsts) {
  OPTIONAL MATCH (:Report {id: substring(firsts[1], 22)})-[typed:MENTIONS]->(n)
  WHERE typed.category <> 'other'
  RETURN head(collect(typed.category)) AS typed
}
CALL (n, firsts) {
  OPTIONAL MATCH (:Report {id: substring(firsts[2], 22)})-[located:MENTIONS]->(n)
  WHERE located.lat IS NOT NULL
  RETURN head(collect(CASE WHEN located IS NOT NULL THEN [located.lat, located.lon] END))
    AS coordinates
}
CALL (n, firsts) {
  OPTIONAL MATCH (:Report {id: substring(firsts[3], 22)})-[given:MENTIONS]->(n)
  WHERE given.role IS NOT NULL AND given.role <> 'unknown'
  RETURN head(collect(given.role)) AS role
}
RETURN collect({
  id: n.id, kind: n.kind, label: label, category: coalesce(typed, said),
  role: CASE WHEN n.kind = 'person' THEN coalesce(role, 'unknown') END,
  lat: coalesce(coordinates[0], n.centroid_lat), lon: coalesce(coordinates[1], n.centroid_lon)
}) AS rows
"""

# The shortest visible path is searched for by paths.py, one level of links at a time from both
# ends, through these statements. They follow the links alone (every LinkType and SAME_AS:
# test_analyst_statements checks each list), not the reports' MENTIONS and the other
# relationships, which carry no evidence and could not be on a visible path. A link is visible
# when one of its evidence entries names one of the caller's $audiences, an entity when its
# audiences do. The search names entities by their element ids (keys), which Neo4j gives without
# reading a property: reading each reached entity's id was two thirds of a level's time.

# One level: for each visible entity of $keys (or of the ids $ends, when $from_ends), its key and
# id, whether it is a hub (more than $hub_links links, counted from the store's degrees without
# reading them, and not one of the path's $ends), and, if not, its visible links as
# `[other key, outgoing, type]` (only to those $toward holds, unless it is null: a level of which
# only the meetings with the other end's search are read). The entity at a visible link's other
# end is not read here (a level may reach a thousand and more, and reading their audiences was
# 8 to 15% of a search's mean time on a million reports): a link the caller may see is stated by
# a report naming both its ends, and every entity is checked all the same, by this statement
# when the search walks from it and by PATH_LINKS, which checks both ends of each link of the
# path found (the search asks again, exhaustively, if one fails).
PATH_STEP = """
CALL () {
  UNWIND $keys AS key
  MATCH (n:Entity)
  WHERE elementId(n) = key
  RETURN n
  UNION
  UNWIND CASE WHEN $from_ends THEN $ends ELSE [] END AS end
  MATCH (n:Entity {id: end})
  RETURN n
}
WITH n
WHERE any(a IN n.audiences WHERE a IN $audiences)
WITH n, NOT n.id IN $ends AND COUNT {
  (n)-[:SEEN_AT|APPROACHED|ASSOCIATES_WITH|FOUND_WITH|IN_VEHICLE|VEHICLE_SEEN_AT
            |USES_PHONE|CONTACTED_BY|HAS_HANDLE|LINKED_ONLINE|PLACED_AT|FREQUENTS|TENANT_OF
            |MEMBER_OF|GROUP_ACTIVE_AT|PHONE_SEIZED_AT|NO_CONTACT_WITH|EXCLUDED_FROM|ATTENDS
            |SAME_AS]-()
} > $hub_links AS hub
CALL (n, hub) {
  WITH n WHERE NOT hub
  MATCH (n)-[l:SEEN_AT|APPROACHED|ASSOCIATES_WITH|FOUND_WITH|IN_VEHICLE|VEHICLE_SEEN_AT
            |USES_PHONE|CONTACTED_BY|HAS_HANDLE|LINKED_ONLINE|PLACED_AT|FREQUENTS|TENANT_OF
            |MEMBER_OF|GROUP_ACTIVE_AT|PHONE_SEIZED_AT|NO_CONTACT_WITH|EXCLUDED_FROM|ATTENDS
            |SAME_AS]-(m:Entity)
  WHERE ($toward IS NULL OR elementId(m) IN $toward)
    AND any(e IN l.evidence WHERE split(e, '|')[$evidence.audience] IN $audiences)
  RETURN collect([elementId(m), startNode(l) = n, type(l)]) AS links
}
RETURN collect({key: elementId(n), id: n.id, hub: hub, links: links}) AS rows
"""

# The visible links between an entity of $near and another of $far, by keys (hubs both: each
# end's links are counted by direction and type, so Neo4j checks from the end with fewer, a place
# having no outgoing links at all).
PATH_HUB_LINKS = """
UNWIND $near AS near_key
MATCH (h:Entity)
WHERE elementId(h) = near_key
UNWIND $far AS far_key
MATCH (k:Entity)
WHERE elementId(k) = far_key AND h <> k
CALL (h, k) {
  MATCH (h)-[l:SEEN_AT|APPROACHED|ASSOCIATES_WITH|FOUND_WITH|IN_VEHICLE|VEHICLE_SEEN_AT
            |USES_PHONE|CONTACTED_BY|HAS_HANDLE|LINKED_ONLINE|PLACED_AT|FREQUENTS|TENANT_OF
            |MEMBER_OF|GROUP_ACTIVE_AT|PHONE_SEIZED_AT|NO_CONTACT_WITH|EXCLUDED_FROM|ATTENDS
            |SAME_AS]->(k)
  RETURN l
  UNION
  MATCH (h)<-[l:SEEN_AT|APPROACHED|ASSOCIATES_WITH|FOUND_WITH|IN_VEHICLE|VEHICLE_SEEN_AT
            |USES_PHONE|CONTACTED_BY|HAS_HANDLE|LINKED_ONLINE|PLACED_AT|FREQUENTS|TENANT_OF
            |MEMBER_OF|GROUP_ACTIVE_AT|PHONE_SEIZED_AT|NO_CONTACT_WITH|EXCLUDED_FROM|ATTENDS
            |SAME_AS]-(k)
  RETURN l
}
WITH h, k, l
WHERE any(e IN l.evidence WHERE split(e, '|')[$evidence.audience] IN $audiences)
RETURN collect({near: elementId(h), far: elementId(k), source: elementId(startNode(l)),
                target: elementId(endNode(l)), type: type(l)}) AS rows
"""

# Each of a path's $hops (`source` and `target` keys, `type`) as the caller may see it, in order:
# its ends' ids, its first and last seen and its evidence (`grading|report id|handling code`) of
# the entries the caller's audiences hold. A hop with none (a retraction since the search read
# it) is left out, and the search then asks again.
PATH_LINKS = """
UNWIND range(0, size($hops) - 1) AS at
MATCH (a:Entity)-[l]->(b:Entity)
WHERE elementId(a) = $hops[at].source AND elementId(b) = $hops[at].target
  AND type(l) = $hops[at].type
WITH at, a, b, head(collect(l)) AS l
WITH at, a, b, l,
     [x IN [e IN l.evidence | split(e, '|')] WHERE x[$evidence.audience] IN $audiences] AS seen
WHERE size(seen) > 0 AND any(x IN a.audiences WHERE x IN $audiences)
  AND any(x IN b.audiences WHERE x IN $audiences)
WITH at, a, b, l, seen, [x IN seen | x[$evidence.observed]] AS times
ORDER BY at
RETURN collect({
  source: a.id, target: b.id, type: type(l),
  first_seen: toString(datetime(reduce(first = head(times), t IN times
                                       | CASE WHEN t < first THEN t ELSE first END))),
  last_seen: toString(datetime(reduce(last = head(times), t IN times
                                      | CASE WHEN t > last THEN t ELSE last END))),
  evidence: [x IN seen | x[$evidence.source] + x[$evidence.intelligence] + '|'
                         + x[$evidence.report_id] + '|'
                         + CASE x[$evidence.audience] WHEN 'all' THEN 'P' ELSE 'C' END]}) AS rows
"""

# Neo4j's own exhaustive search, within N links, one statement per N from 1 to 6: paths.py runs
# it only when a path through two hubs could be shorter than what its own search found. A
# variable-length bound cannot be a parameter, and the search must stop at max_depth, not look
# further and drop what it found. They differ only in the bound; reads.py picks one by
# max_depth. No predicate on the whole path (length(p)): it would make Neo4j fall back to an
# exhaustive search when no path qualifies (seconds on a big graph). They return the path's
# entities and links by keys, as the search does, for PATH_LINKS.
SHORTEST_PATH_WITHIN_1 = """
MATCH (a:Entity {id: $source}), (b:Entity {id: $target})
MATCH p = shortestPath(
  (a)-[:SEEN_AT|APPROACHED|ASSOCIATES_WITH|FOUND_WITH|IN_VEHICLE|VEHICLE_SEEN_AT|USES_PHONE
       |CONTACTED_BY|HAS_HANDLE|LINKED_ONLINE|PLACED_AT|FREQUENTS|TENANT_OF|MEMBER_OF
       |GROUP_ACTIVE_AT|PHONE_SEIZED_AT|NO_CONTACT_WITH|EXCLUDED_FROM|ATTENDS|SAME_AS*..1]-(b))
WHERE all(n IN nodes(p) WHERE n:Entity AND any(x IN n.audiences WHERE x IN $audiences))
  AND all(l IN relationships(p)
          WHERE any(e IN l.evidence WHERE split(e, '|')[$evidence.audience] IN $audiences))
RETURN [n IN nodes(p) | elementId(n)] AS node_ids,
       [l IN relationships(p)
        | {source: elementId(startNode(l)), target: elementId(endNode(l)), type: type(l)}] AS hops
"""

SHORTEST_PATH_WITHIN_2 = """
MATCH (a:Entity {id: $source}), (b:Entity {id: $target})
MATCH p = shortestPath(
  (a)-[:SEEN_AT|APPROACHED|ASSOCIATES_WITH|FOUND_WITH|IN_VEHICLE|VEHICLE_SEEN_AT|USES_PHONE
       |CONTACTED_BY|HAS_HANDLE|LINKED_ONLINE|PLACED_AT|FREQUENTS|TENANT_OF|MEMBER_OF
       |GROUP_ACTIVE_AT|PHONE_SEIZED_AT|NO_CONTACT_WITH|EXCLUDED_FROM|ATTENDS|SAME_AS*..2]-(b))
WHERE all(n IN nodes(p) WHERE n:Entity AND any(x IN n.audiences WHERE x IN $audiences))
  AND all(l IN relationships(p)
          WHERE any(e IN l.evidence WHERE split(e, '|')[$evidence.audience] IN $audiences))
RETURN [n IN nodes(p) | elementId(n)] AS node_ids,
       [l IN relationships(p)
        | {source: elementId(startNode(l)), target: elementId(endNode(l)), type: type(l)}] AS hops
"""

SHORTEST_PATH_WITHIN_3 = """
MATCH (a:Entity {id: $source}), (b:Entity {id: $target})
MATCH p = shortestPath(
  (a)-[:SEEN_AT|APPROACHED|ASSOCIATES_WITH|FOUND_WITH|IN_VEHICLE|VEHICLE_SEEN_AT|USES_PHONE
       |CONTACTED_BY|HAS_HANDLE|LINKED_ONLINE|PLACED_AT|FREQUENTS|TENANT_OF|MEMBER_OF
       |GROUP_ACTIVE_AT|PHONE_SEIZED_AT|NO_CONTACT_WITH|EXCLUDED_FROM|ATTENDS|SAME_AS*..3]-(b))
WHERE all(n IN nodes(p) WHERE n:Entity AND any(x IN n.audiences WHERE x IN $audiences))
  AND all(l IN relationships(p)
          WHERE any(e IN l.evidence WHERE split(e, '|')[$evidence.audience] IN $audiences))
RETURN [n IN nodes(p) | elementId(n)] AS node_ids,
       [l IN relationships(p)
        | {source: elementId(startNode(l)), target: elementId(endNode(l)), type: type(l)}] AS hops
"""

SHORTEST_PATH_WITHIN_4 = """
MATCH (a:Entity {id: $source}), (b:Entity {id: $target})
MATCH p = shortestPath(
  (a)-[:SEEN_AT|APPROACHED|ASSOCIATES_WITH|FOUND_WITH|IN_VEHICLE|VEHICLE_SEEN_AT|USES_PHONE
       |CONTACTED_BY|HAS_HANDLE|LINKED_ONLINE|PLACED_AT|FREQUENTS|TENANT_OF|MEMBER_OF
       |GROUP_ACTIVE_AT|PHONE_SEIZED_AT|NO_CONTACT_WITH|EXCLUDED_FROM|ATTENDS|SAME_AS*..4]-(b))
WHERE all(n IN nodes(p) WHERE n:Entity AND any(x IN n.audiences WHERE x IN $audiences))
  AND all(l IN relationships(p)
          WHERE any(e IN l.evidence WHERE split(e, '|')[$evidence.audience] IN $audiences))
RETURN [n IN nodes(p) | elementId(n)] AS node_ids,
       [l IN relationships(p)
        | {source: elementId(startNode(l)), target: elementId(endNode(l)), type: type(l)}] AS hops
"""

SHORTEST_PATH_WITHIN_5 = """
MATCH (a:Entity {id: $source}), (b:Entity {id: $target})
MATCH p = shortestPath(
  (a)-[:SEEN_AT|APPROACHED|ASSOCIATES_WITH|FOUND_WITH|IN_VEHICLE|VEHICLE_SEEN_AT|USES_PHONE
       |CONTACTED_BY|HAS_HANDLE|LINKED_ONLINE|PLACED_AT|FREQUENTS|TENANT_OF|MEMBER_OF
       |GROUP_ACTIVE_AT|PHONE_SEIZED_AT|NO_CONTACT_WITH|EXCLUDED_FROM|ATTENDS|SAME_AS*..5]-(b))
WHERE all(n IN nodes(p) WHERE n:Entity AND any(x IN n.audiences WHERE x IN $audiences))
  AND all(l IN relationships(p)
          WHERE any(e IN l.evidence WHERE split(e, '|')[$evidence.audience] IN $audiences))
RETURN [n IN nodes(p) | elementId(n)] AS node_ids,
       [l IN relationships(p)
        | {source: elementId(startNode(l)), target: elementId(endNode(l)), type: type(l)}] AS hops
"""

SHORTEST_PATH_WITHIN_6 = """
MATCH (a:Entity {id: $source}), (b:Entity {id: $target})
MATCH p = shortestPath(
  (a)-[:SEEN_AT|APPROACHED|ASSOCIATES_WITH|FOUND_WITH|IN_VEHICLE|VEHICLE_SEEN_AT|USES_PHONE
       |CONTACTED_BY|HAS_HANDLE|LINKED_ONLINE|PLACED_AT|FREQUENTS|TENANT_OF|MEMBER_OF
       |GROUP_ACTIVE_AT|PHONE_SEIZED_AT|NO_CONTACT_WITH|EXCLUDED_FROM|ATTENDS|SAME_AS*..6]-(b))
WHERE all(n IN nodes(p) WHERE n:Entity AND any(x IN n.audiences WHERE x IN $audiences))
  AND all(l IN relationships(p)
          WHERE any(e IN l.evidence WHERE split(e, '|')[$evidence.audience] IN $audiences))
RETURN [n IN nodes(p) | elementId(n)] AS node_ids,
       [l IN relationships(p)
        | {source: elementId(startNode(l)), target: elementId(endNode(l)), type: type(l)}] AS hops
"""

SEARCH_BY_KEYS = """
UNWIND $keys AS key
MATCH (:MatchKey {key: key})<-[:HAS_KEY]-(p:Person)
WHERE any(a IN p.audiences WHERE a IN $audiences)
WITH p, count(*) AS shared
ORDER BY shared DESC, p.id
LIMIT $limit
RETURN p.id AS id
"""

SEARCH_BY_IDENTIFIER = """
MATCH (i:Entity {id: $identifier_id})-[l]-(p:Person)
WHERE any(a IN p.audiences WHERE a IN $audiences)
  AND any(e IN l.evidence WHERE split(e, '|')[$evidence.audience] IN $audiences)
RETURN DISTINCT p.id AS id
LIMIT $limit
"""

# Any word of a name, nickname or alias (the mention_names full-text index), kept only from
# reports the caller may see: `said` is what those reports call the person, nothing else.
SEARCH_BY_NAME_WORDS = """
CALL db.index.fulltext.queryRelationships('mention_names', $words) YIELD relationship, score
MATCH (r:Report)-[relationship]->(p:Person)
WHERE r.retracted IS NULL AND any(a IN r.audiences WHERE a IN $audiences)
WITH p, relationship AS m, score
LIMIT $scan
WITH p, max(score) AS score, collect(m.name) AS names, collect(m.nicknames) AS nickname_lists
RETURN p.id AS id, score,
       [n IN names + reduce(all = [], k IN nickname_lists | all + coalesce(k, []))
        WHERE n IS NOT NULL] AS said
ORDER BY score DESC, id
LIMIT $limit
"""

# The home is the latest visible report's (address and postcode together: people move); each
# identifier scheme lists every value visible reports gave, so a conflict shows.
PERSON_FACTS = """
UNWIND $ids AS id
MATCH (p:Person {id: id})
WHERE any(a IN p.audiences WHERE a IN $audiences)
CALL (p) {
  MATCH (r:Report)-[m:MENTIONS]->(p)
  WHERE r.retracted IS NULL AND any(a IN r.audiences WHERE a IN $audiences)
  WITH r, m ORDER BY r.observed_at, r.id
  RETURN collect(DISTINCT m.name) AS labels, collect(DISTINCT m.age) AS ages,
         collect(m.nicknames) AS nickname_lists, max(r.observed_at) AS last_reported,
         head(collect(m.date_of_birth)) AS date_of_birth,
         head([x IN collect(m.role) WHERE x <> 'unknown']) AS role,
         head(collect(m.home_local_authority)) AS home_local_authority,
         last([x IN collect(m) WHERE x.home_address IS NOT NULL
                                  OR x.home_postcode IS NOT NULL]) AS home,
         collect(DISTINCT m.nhs_number) AS nhs_numbers, collect(DISTINCT m.upn) AS upns,
         collect(DISTINCT m.pnc_id) AS pnc_ids, collect(DISTINCT m.pnd_id) AS pnd_ids,
         collect(DISTINCT m.la_child_id) AS la_child_ids,
         any(x IN collect(m.learning_disability) WHERE x) AS learning_disability,
         any(x IN collect(m.looked_after) WHERE x) AS looked_after,
         any(x IN collect(m.additional_needs) WHERE x) AS additional_needs
}
RETURN p.id AS id, labels, nickname_lists, date_of_birth, coalesce(role, 'unknown') AS role,
       learning_disability, looked_after, additional_needs, home_local_authority,
       home.home_address AS home_address, home.home_postcode AS home_postcode,
       nhs_numbers, upns, pnc_ids, pnd_ids, la_child_ids,
       ages, toString(last_reported) AS last_reported
"""

# What matching compares, from only the mentions and links of reports the caller may see: each
# visible mention as its report said it, and the phones and handles visible evidence links.
# A person an analyst's `same` merged into another (MERGED_INTO) keeps, for this, the reports
# that merge moved (the decision's moved_reports, wherever they now are); the person it was
# merged into, the rest: so a confirmed pair is compared as it was before the merge.
PERSON_MATCH_FACTS = """
UNWIND $ids AS id
MATCH (p:Person {id: id})
WHERE any(a IN p.audiences WHERE a IN $audiences)
MATCH (p)-[:MERGED_INTO*0..]->(holder:Person)
WHERE NOT (holder)-[:MERGED_INTO]->()
WITH p, holder, holder <> p AS merged,
     COLLECT { MATCH (p)-[x:MERGED_INTO]->(:Person)
               MATCH (d:ResolutionDecision {id: x.decision_id})
               UNWIND d.moved_reports AS moved RETURN moved } AS own,
     COLLECT { MATCH (:Person)-[x:MERGED_INTO]->(p)
               MATCH (d:ResolutionDecision {id: x.decision_id})
               UNWIND d.moved_reports AS moved RETURN moved } AS taken
CALL (holder, merged, own, taken) {
  MATCH (r:Report)-[m:MENTIONS]->(holder)
  WHERE r.retracted IS NULL AND any(a IN r.audiences WHERE a IN $audiences)
    AND (NOT merged OR r.id IN own) AND NOT r.id IN taken
  RETURN collect({name: m.name, nicknames: m.nicknames, date_of_birth: m.date_of_birth,
                  age: m.age, observed_on: toString(date(r.observed_at)),
                  home_address: m.home_address, home_postcode: m.home_postcode,
                  nhs_number: m.nhs_number, upn: m.upn, pnc_id: m.pnc_id, pnd_id: m.pnd_id,
                  la_child_id: m.la_child_id,
                  home_local_authority: m.home_local_authority}) AS mentions
}
CALL (holder, merged, own, taken) {
  OPTIONAL MATCH (holder)-[l:USES_PHONE|HAS_HANDLE]->(x:Entity)
  WHERE any(e IN l.evidence WHERE split(e, '|')[$evidence.audience] IN $audiences
            AND (NOT merged OR split(e, '|')[$evidence.report_id] IN own)
            AND NOT split(e, '|')[$evidence.report_id] IN taken)
  RETURN collect(DISTINCT x.id) AS contacts
}
RETURN p.id AS id, mentions, contacts
"""

# A person's identifiers, placements, missing episodes, departures and screenings, each as far
# as the reports the caller may see state it: a link's times are those of the evidence the caller
# may see, and a placement is named as the earliest of those reports names it.
PERSON_DETAIL = """
MATCH (p:Person {id: $id})
CALL (p) {
  OPTIONAL MATCH (p)-[l:USES_PHONE|HAS_HANDLE]->(x:Entity)
  WITH x, [e IN l.evidence WHERE split(e, '|')[$evidence.audience] IN $audiences
           | split(e, '|')[$evidence.observed]] AS times
  WHERE size(times) > 0
  WITH x, reduce(last = head(times), t IN times | CASE WHEN t > last THEN t ELSE last END) AS last
  ORDER BY last DESC
  RETURN collect({id: x.id, kind: x.kind, name: x.name,
                  last_seen: toString(datetime(last))}) AS identifiers
}
CALL (p) {
  OPTIONAL MATCH (p)-[l:PLACED_AT|ATTENDS]->(x:Location)
  WITH x, l, [e IN l.evidence WHERE split(e, '|')[$evidence.audience] IN $audiences] AS seen
  WHERE size(seen) > 0
  CALL (x, seen) {
    UNWIND seen AS e
    MATCH (r:Report {id: split(e, '|')[$evidence.report_id]})-[m:MENTIONS]->(x)
    WITH DISTINCT r, m ORDER BY r.observed_at, r.id
    RETURN collect(m) AS said
  }
  WITH x, l, said, [e IN seen | split(e, '|')[$evidence.observed]] AS times
  WITH x, l, said,
       reduce(first = head(times), t IN times | CASE WHEN t < first THEN t ELSE first END) AS first,
       reduce(last = head(times), t IN times | CASE WHEN t > last THEN t ELSE last END) AS last
  ORDER BY last DESC
  RETURN collect({id: x.id, name: coalesce(said[0].name, x.id),
                  category: coalesce(head([s IN said WHERE s.category <> 'other' | s.category]),
                                     head([s IN said WHERE s.category IS NOT NULL | s.category])),
                  link: type(l), first_seen: toString(datetime(first)),
                  last_seen: toString(datetime(last))}) AS placements
}
CALL (p) {
  OPTIONAL MATCH (p)-[:WENT_MISSING]->(e:MissingEpisode)
  OPTIONAL MATCH (o:Report {id: e.reported_by})
  WHERE o.retracted IS NULL AND any(a IN o.audiences WHERE a IN $audiences)
  OPTIONAL MATCH (c:Report {id: e.ended_by})
  WHERE c.retracted IS NULL AND any(a IN c.audiences WHERE a IN $audiences)
  OPTIONAL MATCH (e)-[:FOUND_AT]->(f:Location)<-[fm:MENTIONS]-(c)
  WITH e, o, c, head(collect(fm.name)) AS found_at
  ORDER BY coalesce(e.started_at, e.ended_at) DESC
  RETURN collect(CASE WHEN o IS NULL AND c IS NULL THEN null
                 ELSE {id: e.id,
                       started_at: CASE WHEN o IS NULL THEN null ELSE toString(e.started_at) END,
                       ended_at: CASE WHEN c IS NULL THEN null ELSE toString(e.ended_at) END,
                       found_at: found_at,
                       circumstances: CASE WHEN c IS NULL THEN null ELSE e.circumstances END,
                       condition: CASE WHEN c IS NULL THEN [] ELSE coalesce(e.condition, []) END,
                       police_risk_grading:
                         CASE WHEN o IS NULL THEN null ELSE e.police_risk_grading END,
                       reported_by: o.id, ended_by: c.id} END) AS episodes
}
CALL (p) {
  OPTIONAL MATCH (p)-[:DEPARTED]->(d:Departure)
  OPTIONAL MATCH (r:Report {id: d.report_id})
  WHERE r.retracted IS NULL AND any(a IN r.audiences WHERE a IN $audiences)
  OPTIONAL MATCH (d)-[:LEFT_FROM]->(:Location)<-[fm:MENTIONS]-(r)
  WITH d, r, head(collect(fm.name)) AS left_from
  OPTIONAL MATCH (d)-[:HEADING_TO]->(:Location)<-[tm:MENTIONS]-(r)
  WITH d, r, left_from, head(collect(tm.name)) AS going_to
  ORDER BY d.left_at DESC
  RETURN collect(CASE WHEN r IS NULL THEN null
                 ELSE {id: d.id, report_id: r.id, left_at: toString(d.left_at),
                       expected_back: toString(d.expected_back),
                       carrying: coalesce(d.carrying, []), going_to: going_to,
                       left_from: left_from} END) AS departures
}
CALL (p) {
  OPTIONAL MATCH (r:Report {type: 'screening'})-[m:MENTIONS {part: 'screened'}]->(p)
  WHERE r.retracted IS NULL AND any(a IN r.audiences WHERE a IN $audiences)
  WITH r ORDER BY r.screened_on DESC, r.observed_at DESC
  RETURN collect(CASE WHEN r IS NULL THEN null
                 ELSE {report_id: r.id, screened_on: r.screened_on,
                       outcome: r.screening_outcome, risk_level: r.screening_risk_level,
                       review_date: r.screening_review_date} END) AS screenings
}
RETURN identifiers, placements, episodes, departures, screenings
"""

ENTITY_TIMELINE = """
MATCH (n:Entity {id: $id})<-[m:MENTIONS]-(r:Report)
WHERE r.retracted IS NULL AND any(a IN r.audiences WHERE a IN $audiences)
RETURN r.id AS report_id, r.type AS type, toString(r.observed_at) AS observed_at,
       r.grading AS grading, m.part AS part, m.name AS named_as,
       CASE WHEN r.source_protected AND r.source_agency <> $agency THEN null
            ELSE r.source_agency END AS source_agency,
       r.police_incident_ref AS police_incident_ref
ORDER BY r.observed_at DESC, r.id
SKIP $offset LIMIT $limit
"""

# Children missing now, as the caller may see it (issue 18): an episode a visible report started
# and no visible report ended, the latest per child; named, placed and last seen as that report
# says, and the latest visible report about them since. Every channel's reports, not only forms.
MISSING_NOW = """
MATCH (p:Person)-[:WENT_MISSING]->(e:MissingEpisode)
WHERE e.started_at IS NOT NULL
MATCH (o:Report {id: e.reported_by})
WHERE o.retracted IS NULL AND any(a IN o.audiences WHERE a IN $audiences)
OPTIONAL MATCH (c:Report {id: e.ended_by})
WHERE c.retracted IS NULL AND any(a IN c.audiences WHERE a IN $audiences)
WITH p, e, o, c WHERE c IS NULL
WITH p, e, o ORDER BY e.started_at DESC
WITH p, head(collect({e: e, o: o})) AS latest
WITH p, latest.e AS e, latest.o AS o
MATCH (o)-[m:MENTIONS {part: 'missing'}]->(p)
CALL (o, e) {
  OPTIONAL MATCH (o)-[ls:MENTIONS {part: 'last_seen'}]->(seen:Location)
  OPTIONAL MATCH (e)-[:MISSING_FROM]->(home:Location)<-[hm:MENTIONS]-(o)
  RETURN ls.name AS last_seen_place, seen.postcode AS last_seen_postcode,
         hm.name AS missing_from, home.postcode AS missing_from_postcode
  LIMIT 1
}
CALL (p, e) {
  OPTIONAL MATCH (s:Report)-[:MENTIONS]->(p)
  WHERE s.retracted IS NULL AND any(a IN s.audiences WHERE a IN $audiences)
    AND s.observed_at > e.started_at AND s.id <> e.reported_by
  WITH s ORDER BY s.observed_at DESC, s.id LIMIT 1
  OPTIONAL MATCH (s)-[sm:MENTIONS]->(:Location)
  RETURN s.id AS since_report_id, s.type AS since_type, toString(s.observed_at) AS since_at,
         [x IN collect(sm.name) WHERE x IS NOT NULL] AS since_places
}
RETURN p.id AS person_id, m.name AS name, m.date_of_birth AS date_of_birth, m.age AS age,
       e.id AS episode_id, toString(e.started_at) AS missing_since,
       e.police_risk_grading AS police_risk_grading, o.id AS report_id,
       CASE WHEN o.source_protected AND o.source_agency <> $agency THEN null
            ELSE o.source_agency END AS reported_by,
       last_seen_place, last_seen_postcode, missing_from, missing_from_postcode,
       since_report_id, since_type, since_at, since_places
ORDER BY e.started_at, p.id
SKIP $offset LIMIT $limit
"""

COUNT_ENTITY_TIMELINE = """
MATCH (n:Entity {id: $id})<-[:MENTIONS]-(r:Report)
WHERE r.retracted IS NULL AND any(a IN r.audiences WHERE a IN $audiences)
RETURN count(DISTINCT r) AS total
"""

YOUNG_PEOPLE_LINKED = """
MATCH (n:Entity {id: $id})<-[:MENTIONS]-(r:Report)-[m:MENTIONS]->(p:Person)
WHERE r.retracted IS NULL AND any(a IN r.audiences WHERE a IN $audiences)
  AND m.young_person AND p.id <> $id
RETURN p.id AS person_id, m.name AS named_as, m.age AS age, r.id AS report_id,
       toString(r.observed_at) AS observed_at, m.part AS part
ORDER BY r.observed_at DESC, p.id
SKIP $offset LIMIT $limit
"""

CO_PRESENCE = """
MATCH (p:Person {id: $id})-[s1:SEEN_AT]->(l:Location)<-[s2:SEEN_AT]-(o:Person)
WHERE o <> p AND any(a IN o.audiences WHERE a IN $audiences)
WITH p, l, o,
     [e IN s1.evidence WHERE split(e, '|')[$evidence.audience] IN $audiences
      | split(e, '|')[$evidence.report_id]] AS mine,
     [e IN s2.evidence WHERE split(e, '|')[$evidence.audience] IN $audiences
      | split(e, '|')[$evidence.report_id]] AS theirs
UNWIND [x IN mine WHERE x IN theirs] AS report_id
MATCH (r:Report {id: report_id})-[m:MENTIONS]->(o)
WHERE r.retracted IS NULL
CALL (r, l) {
  MATCH (r)-[lm:MENTIONS]->(l)
  RETURN lm.name AS location, lm.category AS category
  LIMIT 1
}
RETURN DISTINCT o.id AS person_id, m.name AS named_as, l.id AS location_id,
       location, category, r.id AS report_id,
       toString(r.observed_at) AS observed_at
ORDER BY observed_at DESC, person_id
SKIP $offset LIMIT $limit
"""

POSSIBLE_MATCHES = """
MATCH (a:Person)-[c:POSSIBLE_SAME_AS]->(b:Person)
WHERE ($person_id IS NULL OR a.id = $person_id OR b.id = $person_id)
  AND ($status IS NULL OR c.status = $status)
  AND any(x IN a.audiences WHERE x IN $audiences) AND any(x IN b.audiences WHERE x IN $audiences)
RETURN c.id AS id, a.id AS person_a, b.id AS person_b, c.score AS score, c.reasons AS reasons,
       c.status AS status
ORDER BY c.score DESC, c.id
SKIP $offset LIMIT $limit
"""

FIND_CANDIDATE = """
MATCH (a:Person)-[c:POSSIBLE_SAME_AS {id: $candidate_id}]->(b:Person)
WHERE any(x IN a.audiences WHERE x IN $audiences) AND any(x IN b.audiences WHERE x IN $audiences)
RETURN c.id AS id, a.id AS person_a, b.id AS person_b
"""

# The person, if visible; which of $report_ids the caller may see; which visible reports
# mention the person (a retracted report is none of these).
SPLIT_CHECK = """
MATCH (p:Person {id: $person_id})
WHERE any(a IN p.audiences WHERE a IN $audiences)
CALL (p) {
  MATCH (r:Report)-[:MENTIONS]->(p)
  WHERE r.retracted IS NULL AND any(a IN r.audiences WHERE a IN $audiences)
  RETURN collect(DISTINCT r.id) AS mentioning
}
CALL () {
  UNWIND $report_ids AS report_id
  MATCH (r:Report {id: report_id})
  WHERE r.retracted IS NULL AND any(a IN r.audiences WHERE a IN $audiences)
  RETURN collect(r.id) AS visible
}
RETURN p.id AS id, mentioning, visible
"""

# The audit's Neo4j copy (written by common.audit; entries are never changed or deleted).
LIST_AUDIT = """
MATCH (a:AuditEntry)
WHERE ($user IS NULL OR a.user = $user) AND ($subject_id IS NULL OR $subject_id IN a.subject_ids)
  AND ($action IS NULL OR a.action = $action)
RETURN a.id AS id, toString(a.at) AS at, a.service AS service, a.user AS user,
       a.agency AS agency, a.role AS role, a.action AS action, a.purpose AS purpose,
       a.subject_ids AS subject_ids, a.parameters AS parameters, a.chain_id AS chain_id,
       a.sequence AS sequence, a.prev_hash AS prev_hash, a.hash AS hash
ORDER BY a.at DESC, a.id
SKIP $offset LIMIT $limit
"""
