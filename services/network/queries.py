"""Cypher for the network service. Values are always $parameters.

Every entity node also carries the label Entity (ids are unique across kinds: `person:...`,
`location:...`), so links and analyst queries can reach any kind through one index. Labels,
relationship types and shared properties are those schemas/graph.py declares; a link's type comes
from its LinkType enum, never from request text. A statement reads an evidence entry's field at
the position schemas/graph.py gives it, passed as `$evidence` (`evidence_fields()`).
"""

# ---------------------------------------------------------------- linking (a batch, one tx)
# Every statement takes the rows of a whole batch of reports; each row names its report.

# A report is written once: `written` says it already was (a redelivery, or a replay without
# --wipe), so nothing an analyst's split or a retraction changed since is undone. A retraction
# that arrived first left the node without a type: it is filled in, and `retracted` says to
# link nothing.
MERGE_REPORTS = """
UNWIND $reports AS report
MERGE (r:Report {id: report.id})
WITH r, report, r.type IS NOT NULL AS written
FOREACH (_ IN CASE WHEN written THEN [] ELSE [1] END |
  SET r.type = report.type,
      r.source_agency = report.source_agency,
      r.submitted_by = report.submitted_by,
      r.observed_at = datetime(report.observed_at),
      r.reported_at = datetime(report.reported_at),
      r.narrative = report.narrative,
      r.grading = report.grading,
      r.source_evaluation = report.source_evaluation,
      r.intelligence_assessment = report.intelligence_assessment,
      r.handling_code = report.handling_code,
      r.handling_agencies = report.handling_agencies,
      r.handling_roles = report.handling_roles,
      r.audiences = report.audiences,
      r.evidence = report.evidence,
      r.source_protected = report.source_protected,
      r.police_incident_ref = report.police_incident_ref,
      r.items = report.items,
      r.screened_on = report.screened_on,
      r.screening_outcome = report.screening_outcome,
      r.screening_risk_level = report.screening_risk_level,
      r.screening_review_date = report.screening_review_date)
RETURN report.id AS id, written, r.retracted IS NOT NULL AS retracted
"""

MERGE_PERSONS = """
UNWIND $rows AS row
MATCH (r:Report {id: row.report_id})
MERGE (p:Person {id: row.id})
ON CREATE SET p:Entity, p.kind = 'person', p.name = row.name, p.name_key = row.name_key,
              p.names = [], p.nicknames = [], p.phones = [], p.handles = [], p.audiences = [],
              p.role = row.role, p.gender = row.gender, p.learning_disability = false,
              p.looked_after = false, p.additional_needs = false
SET p.names = p.names + [n IN row.names WHERE NOT n IN p.names],
    p.nicknames = p.nicknames + [n IN row.nicknames WHERE NOT n IN p.nicknames],
    p.phones = p.phones + [n IN row.phones WHERE NOT n IN p.phones],
    p.handles = p.handles + [n IN row.handles WHERE NOT n IN p.handles],
    p.identifiers = coalesce(p.identifiers, [])
      + [n IN row.identifiers WHERE NOT n IN coalesce(p.identifiers, [])],
    p.home_postcodes = coalesce(p.home_postcodes, [])
      + [n IN row.home_postcodes WHERE NOT n IN coalesce(p.home_postcodes, [])],
    p.home_addresses = coalesce(p.home_addresses, [])
      + [n IN row.home_addresses WHERE NOT n IN coalesce(p.home_addresses, [])],
    p.audiences = p.audiences + [a IN r.audiences WHERE NOT a IN p.audiences],
    p.date_of_birth = coalesce(p.date_of_birth, row.date_of_birth),
    p.birth_year = coalesce(p.birth_year, row.birth_year),
    p.home_local_authority = coalesce(p.home_local_authority, row.home_local_authority),
    p.learning_disability = p.learning_disability OR row.learning_disability,
    p.looked_after = p.looked_after OR row.looked_after,
    p.additional_needs = p.additional_needs OR row.additional_needs,
    p.role = CASE WHEN p.role = 'unknown' THEN row.role ELSE p.role END
MERGE (r)-[m:MENTIONS {part: row.part}]->(p)
ON CREATE SET m.young_person = row.young_person, m.age = row.age, m.name = row.name,
              m.nicknames = row.nicknames, m.date_of_birth = row.date_of_birth,
              m.role = row.role, m.gender = row.gender,
              m.home_local_authority = row.home_local_authority,
              m.home_address = row.home_address, m.home_postcode = row.home_postcode,
              m.nhs_number = row.nhs_number, m.upn = row.upn, m.pnc_id = row.pnc_id,
              m.pnd_id = row.pnd_id, m.la_child_id = row.la_child_id,
              m.learning_disability = row.learning_disability,
              m.looked_after = row.looked_after, m.additional_needs = row.additional_needs
WITH p, row
UNWIND row.keys AS key
MERGE (k:MatchKey {key: key})
MERGE (p)-[:HAS_KEY]->(k)
"""

MERGE_LOCATIONS = """
UNWIND $rows AS row
MATCH (r:Report {id: row.report_id})
MERGE (l:Location {id: row.id})
ON CREATE SET l:Entity, l.kind = 'location', l.name = row.name, l.postcode = row.postcode,
              l.category = row.category, l.audiences = [],
              l.local_authority = row.local_authority,
              l.police_force_area = row.police_force_area, l.lat = row.lat, l.lon = row.lon
SET l.audiences = l.audiences + [a IN r.audiences WHERE NOT a IN l.audiences],
    l.local_authority = coalesce(l.local_authority, row.local_authority),
    l.police_force_area = coalesce(l.police_force_area, row.police_force_area),
    l.lat = coalesce(l.lat, row.lat), l.lon = coalesce(l.lon, row.lon)
FOREACH (_ IN CASE WHEN row.category IN ['care_home', 'school'] THEN [1] ELSE [] END |
  SET l:Placement)
MERGE (r)-[m:MENTIONS {part: row.part}]->(l)
ON CREATE SET m.name = row.name, m.category = row.category, m.lat = row.lat, m.lon = row.lon,
              m.local_authority = row.local_authority,
              m.police_force_area = row.police_force_area
"""

# A place with a postcode is located at the postcode's centroid (`tessera geo load`), once: for
# the linking step, with the rows MERGE_LOCATIONS wrote (issue 18). Reference data, so the centroid
# is kept apart from what reports say (their coordinates stay on their MENTIONS).
LOCATE_PLACES_BY_POSTCODE = """
UNWIND $rows AS row
MATCH (l:Location {id: row.id})
WHERE l.postcode IS NOT NULL AND l.centroid_lat IS NULL
MATCH (c:PostcodeCentroid {postcode: l.postcode})
SET l.centroid_lat = c.lat, l.centroid_lon = c.lon
"""

MERGE_VEHICLES = """
UNWIND $rows AS row
MATCH (r:Report {id: row.report_id})
MERGE (v:Vehicle {id: row.id})
ON CREATE SET v:Entity, v.kind = 'vehicle', v.name = row.name, v.vrm = row.vrm,
              v.vrm_format = row.vrm_format, v.audiences = []
SET v.audiences = v.audiences + [a IN r.audiences WHERE NOT a IN v.audiences],
    v.make = coalesce(v.make, row.make), v.model = coalesce(v.model, row.model),
    v.colour = coalesce(v.colour, row.colour)
MERGE (r)-[m:MENTIONS {part: row.part}]->(v)
ON CREATE SET m.name = row.name
"""

MERGE_PHONES = """
UNWIND $rows AS row
MATCH (r:Report {id: row.report_id})
MERGE (p:Phone {id: row.id})
ON CREATE SET p:Entity, p.kind = 'phone', p.name = row.name, p.e164 = row.e164, p.audiences = []
SET p.audiences = p.audiences + [a IN r.audiences WHERE NOT a IN p.audiences]
MERGE (r)-[m:MENTIONS {part: row.part}]->(p)
ON CREATE SET m.name = row.name
"""

MERGE_HANDLES = """
UNWIND $rows AS row
MATCH (r:Report {id: row.report_id})
MERGE (h:Handle {id: row.id})
ON CREATE SET h:Entity, h.kind = 'handle', h.name = row.name, h.platform = row.platform,
              h.handle = row.handle, h.audiences = []
SET h.audiences = h.audiences + [a IN r.audiences WHERE NOT a IN h.audiences]
MERGE (r)-[m:MENTIONS {part: row.part}]->(h)
ON CREATE SET m.name = row.name
"""

MERGE_GROUPS = """
UNWIND $rows AS row
MATCH (r:Report {id: row.report_id})
MERGE (g:Group {id: row.id})
ON CREATE SET g:Entity, g.kind = 'group', g.name = row.name, g.audiences = []
SET g.audiences = g.audiences + [a IN r.audiences WHERE NOT a IN g.audiences]
MERGE (r)-[m:MENTIONS {part: row.part}]->(g)
ON CREATE SET m.name = row.name
"""

# One query for every link type: $type is a LinkType value, checked by the adapter.
MERGE_LINKS = """
UNWIND $rows AS row
MATCH (r:Report {id: row.report_id})
MATCH (a:Entity {id: row.source})
MATCH (b:Entity {id: row.target})
MERGE (a)-[l:$($type)]->(b)
ON CREATE SET l.report_ids = [], l.evidence = [], l.detail_entries = [], l.count = 0,
              l.first_seen = r.observed_at, l.last_seen = r.observed_at
WITH r, l, row
WHERE NOT r.id IN l.report_ids
SET l.report_ids = l.report_ids + r.id,
    l.evidence = l.evidence + r.evidence,
    l.detail_entries = CASE WHEN row.detail = '' THEN coalesce(l.detail_entries, [])
                            ELSE coalesce(l.detail_entries, []) + (r.id + ' ' + row.detail) END,
    l.count = l.count + 1,
    l.first_seen = CASE WHEN r.observed_at < l.first_seen THEN r.observed_at ELSE l.first_seen END,
    l.last_seen = CASE WHEN r.observed_at > l.last_seen THEN r.observed_at ELSE l.last_seen END
"""

# Missing episodes, protective orders and premises status: facts, keyed by their report.
MERGE_MISSING_STARTED = """
UNWIND $rows AS row
MATCH (r:Report {id: row.report_id})
MATCH (p:Person {id: row.child})
MERGE (e:MissingEpisode {id: row.id})
ON CREATE SET e.started_at = datetime(row.started_at), e.reported_by = r.id,
              e.police_risk_grading = row.police_risk_grading, e.audiences = r.audiences
MERGE (p)-[:WENT_MISSING]->(e)
WITH e, row
OPTIONAL MATCH (l:Location {id: row.placement})
FOREACH (_ IN CASE WHEN l IS NULL THEN [] ELSE [1] END | MERGE (e)-[:MISSING_FROM]->(l))
"""

# A young person leaving, with what they took; the places they left from, for and by.
MERGE_DEPARTURES = """
UNWIND $rows AS row
MATCH (r:Report {id: row.report_id})
MATCH (p:Person {id: row.child})
MERGE (d:Departure {id: row.id})
ON CREATE SET d.left_at = datetime(row.left_at),
              d.expected_back = CASE WHEN row.expected_back IS NULL THEN null
                                     ELSE datetime(row.expected_back) END,
              d.meeting = row.meeting, d.carrying = row.carrying, d.money_gbp = row.money_gbp,
              d.transport = row.transport, d.escorted = row.escorted, d.report_id = r.id,
              d.audiences = r.audiences
MERGE (p)-[:DEPARTED]->(d)
WITH d, row
CALL (d, row) {
  OPTIONAL MATCH (l:Location {id: row.left_from})
  FOREACH (_ IN CASE WHEN l IS NULL THEN [] ELSE [1] END | MERGE (d)-[:LEFT_FROM]->(l))
}
CALL (d, row) {
  OPTIONAL MATCH (l:Location {id: row.going_to})
  FOREACH (_ IN CASE WHEN l IS NULL THEN [] ELSE [1] END | MERGE (d)-[:HEADING_TO]->(l))
}
CALL (d, row) {
  OPTIONAL MATCH (l:Location {id: row.departure_point})
  FOREACH (_ IN CASE WHEN l IS NULL THEN [] ELSE [1] END | MERGE (d)-[:LEAVING_BY]->(l))
}
"""

# A found report ends the episode it ended before (a replay), else the child's latest open
# episode that began before the child was found, else an episode known only by its end.
# The adapter sends at most one row per child in a statement, so rows never race for one episode.
END_MISSING_EPISODES = """
UNWIND $rows AS row
MATCH (r:Report {id: row.report_id})
MATCH (p:Person {id: row.child})
CALL (p, row) {
  OPTIONAL MATCH (p)-[:WENT_MISSING]->(open:MissingEpisode)
  WHERE open.ended_by = row.report_id
     OR (open.ended_at IS NULL AND open.started_at <= datetime(row.found_at))
  WITH open ORDER BY open.ended_by = row.report_id DESC, open.started_at DESC
  RETURN collect(open.id)[0] AS found_id
}
MERGE (e:MissingEpisode {id: coalesce(found_id, row.new_id)})
ON CREATE SET e.audiences = r.audiences
SET e.ended_at = datetime(row.found_at), e.ended_by = r.id,
    e.circumstances = row.circumstances, e.condition = row.condition,
    e.items = r.items,
    e.audiences = e.audiences + [a IN r.audiences WHERE NOT a IN e.audiences],
    e.duration_hours = CASE WHEN e.started_at IS NULL THEN null
                            ELSE duration.inSeconds(e.started_at, datetime(row.found_at))
                                 .seconds / 3600.0 END
MERGE (p)-[:WENT_MISSING]->(e)
WITH e, row
OPTIONAL MATCH (l:Location {id: row.place})
FOREACH (_ IN CASE WHEN l IS NULL THEN [] ELSE [1] END | MERGE (e)-[:FOUND_AT]->(l))
WITH DISTINCT e, row
CALL (e, row) {
  UNWIND row.companions AS companion
  MATCH (c:Person {id: companion})
  MERGE (e)-[:FOUND_WITH_PERSON]->(c)
}
"""

MERGE_ORDERS = """
UNWIND $rows AS row
MATCH (r:Report {id: row.report_id})
MATCH (s:Person {id: row.subject})
MERGE (o:ProtectiveOrder {id: row.id})
ON CREATE SET o.kind = row.kind, o.issued_on = date(row.issued_on),
              o.expires_on = CASE WHEN row.expires_on IS NULL THEN null
                                  ELSE date(row.expires_on) END,
              o.radius_m = row.radius_m, o.report_id = r.id, o.audiences = r.audiences
MERGE (s)-[:SUBJECT_OF]->(o)
WITH o, row
CALL (o, row) {
  UNWIND row.protected AS pid
  MATCH (p:Person {id: pid})
  MERGE (o)-[:PROTECTS]->(p)
}
CALL (o, row) {
  UNWIND row.areas AS lid
  MATCH (l:Location {id: lid})
  MERGE (o)-[:EXCLUDES]->(l)
}
CALL (o, row) {
  OPTIONAL MATCH (c:Location {id: row.centre})
  FOREACH (_ IN CASE WHEN c IS NULL THEN [] ELSE [1] END | MERGE (o)-[:CENTRED_ON]->(c))
}
"""

# Status only ever turns on; the first report that gave it is kept, with its time.
# Each status keeps the reports that said it, so a retraction can take its part back.
SET_PLACE_STATUS = """
UNWIND $rows AS row
MATCH (r:Report {id: row.report_id})
MATCH (l:Location {id: row.id})
SET l.drugs_house = coalesce(l.drugs_house, false) OR row.drugs_house,
    l.vulnerable_tenant = coalesce(l.vulnerable_tenant, false) OR row.vulnerable_tenant,
    l.cuckooing_suspected = coalesce(l.cuckooing_suspected, false) OR row.cuckooing,
    l.multiple_callers = coalesce(l.multiple_callers, false) OR row.multiple_callers,
    l.drugs_house_reports = CASE WHEN row.drugs_house
      THEN [x IN coalesce(l.drugs_house_reports, []) WHERE x <> r.id] + r.id
      ELSE l.drugs_house_reports END,
    l.vulnerable_tenant_reports = CASE WHEN row.vulnerable_tenant
      THEN [x IN coalesce(l.vulnerable_tenant_reports, []) WHERE x <> r.id] + r.id
      ELSE l.vulnerable_tenant_reports END,
    l.cuckooing_reports = CASE WHEN row.cuckooing
      THEN [x IN coalesce(l.cuckooing_reports, []) WHERE x <> r.id] + r.id
      ELSE l.cuckooing_reports END,
    l.multiple_callers_reports = CASE WHEN row.multiple_callers
      THEN [x IN coalesce(l.multiple_callers_reports, []) WHERE x <> r.id] + r.id
      ELSE l.multiple_callers_reports END
FOREACH (_ IN CASE WHEN row.drugs_house AND (l.drugs_house_since IS NULL
                        OR r.observed_at < l.drugs_house_since) THEN [1] ELSE [] END |
  SET l.drugs_house_since = r.observed_at, l.drugs_house_report = r.id)
"""

MERGE_POSSIBLE_SAME_AS = """
UNWIND $rows AS row
MATCH (a:Person {id: row.source})
MATCH (b:Person {id: row.target})
WHERE NOT (a)-[:NOT_SAME_AS]-(b)
MERGE (a)-[c:POSSIBLE_SAME_AS]->(b)
ON CREATE SET c.id = row.id, c.score = row.score, c.reasons = row.reasons,
              c.report_id = row.report_id, c.status = 'pending'
"""

# The batch's match keys, in one statement: which are too common to find candidates with (more
# people have them than $max_sharing: the degree, from the store), and the rare ones locked until
# the transaction ends (the keys come sorted, so workers take them in one order): a worker given a
# mention of the same new person on another partition waits, then reads the person this batch
# wrote, instead of creating a second one.
CLAIM_MATCH_KEYS = """
UNWIND $keys AS key
MERGE (k:MatchKey {key: key})
WITH k, key, COUNT { (k)<-[:HAS_KEY]-() } > $max_sharing AS common
FOREACH (_ IN CASE WHEN common THEN [] ELSE [1] END | SET k.locked = true)
RETURN key, common
"""

# Everyone sharing a blocking key with any mention of the batch, with the keys they share
# (grouped by person before the lists are read, once a person): the linker ranks them per
# mention as one query per mention would. `different_from`: the people
# analysts said each is not (a split's NOT_SAME_AS, a candidate rejected as `different`).
# A person an analyst's
# `same` merged into another is no one: the one it was merged into has its names and keys.
PEOPLE_SHARING_KEYS = """
UNWIND $keys AS key
MATCH (:MatchKey {key: key})<-[:HAS_KEY]-(p:Person)
WHERE NOT (p)-[:MERGED_INTO]->()
WITH p, collect(key) AS keys
RETURN p.id AS id, p.names AS names, p.nicknames AS nicknames,
       p.date_of_birth AS date_of_birth, p.birth_year AS birth_year,
       p.phones AS phones, p.handles AS handles,
       coalesce(p.identifiers, []) AS identifiers,
       coalesce(p.home_postcodes, []) AS home_postcodes,
       coalesce(p.home_addresses, []) AS home_addresses, keys,
       [(p)-[:NOT_SAME_AS]-(o:Person) | o.id]
         + [(p)-[:POSSIBLE_SAME_AS {status: 'rejected'}]-(o:Person) | o.id] AS different_from,
       [(p)-[:POSSIBLE_SAME_AS {status: 'pending'}]-(o:Person)
        WHERE NOT (o)-[:MERGED_INTO]->() | o.id] AS pending
"""

# People by id (open candidates of the people above that share none of the batch's keys), in
# the columns PEOPLE_SHARING_KEYS gives.
PEOPLE_BY_IDS = """
UNWIND $ids AS person_id
MATCH (p:Person {id: person_id})
WHERE NOT (p)-[:MERGED_INTO]->()
RETURN p.id AS id, p.names AS names, p.nicknames AS nicknames,
       p.date_of_birth AS date_of_birth, p.birth_year AS birth_year,
       p.phones AS phones, p.handles AS handles,
       coalesce(p.identifiers, []) AS identifiers,
       coalesce(p.home_postcodes, []) AS home_postcodes,
       coalesce(p.home_addresses, []) AS home_addresses, [] AS keys,
       [(p)-[:NOT_SAME_AS]-(o:Person) | o.id]
         + [(p)-[:POSSIBLE_SAME_AS {status: 'rejected'}]-(o:Person) | o.id] AS different_from,
       [(p)-[:POSSIBLE_SAME_AS {status: 'pending'}]-(o:Person)
        WHERE NOT (o)-[:MERGED_INTO]->() | o.id] AS pending
"""

# What reports written before mention, for their entities.linked events again.
ENTITIES_OF_REPORTS = """
UNWIND $report_ids AS report_id
MATCH (:Report {id: report_id})-[:MENTIONS]->(e:Entity)
RETURN report_id, collect(DISTINCT [e.kind, e.id]) AS entities
"""


# ---------------------------------------------------------------- analyst reads
# Visibility: a link is visible when one of its evidence entries
# (`observed|source|intelligence|audience|report id`) names one of the caller's $audiences and
# meets the grading and time filters; a node when a report the caller may see mentions it.
# Links return their visible entries as `grading|report id|handling code` (P for the audience
# `all`, else C), so a caller learns a report's handling code but never its audiences.
# A retracted report is kept (r.retracted is set) but read by none of these: its evidence has
# left every link, entities' audiences were recomputed without it, and report reads skip it.

EXPAND_NEIGHBOURS = """
UNWIND $ids AS id
MATCH (n:Entity {id: id})-[l]-(m:Entity)
WHERE type(l) IN $types
  AND any(a IN m.audiences WHERE a IN $audiences)
  AND any(e IN l.evidence WHERE split(e, '|')[$evidence.audience] IN $audiences
          AND split(e, '|')[$evidence.source] <= $max_source
          AND split(e, '|')[$evidence.intelligence] <= $max_intelligence
          AND split(e, '|')[$evidence.observed] >= $since
          AND split(e, '|')[$evidence.observed] <= $until)
WITH n, l, m
ORDER BY l.last_seen DESC
WITH n, collect({link: l, other: m}) AS found
WITH n, found, CASE WHEN n.category IN $busy_categories THEN $busy_cap ELSE $cap END AS keep
UNWIND found[..keep] AS f
WITH n, f.link AS l, f.other AS m, size(found) > keep AS capped
WITH n, l, m, capped,
     [e IN l.evidence WHERE split(e, '|')[$evidence.audience] IN $audiences
        AND split(e, '|')[$evidence.source] <= $max_source
        AND split(e, '|')[$evidence.intelligence] <= $max_intelligence
        AND split(e, '|')[$evidence.observed] >= $since
        AND split(e, '|')[$evidence.observed] <= $until] AS seen
RETURN n.id AS from_id, m.id AS other_id, startNode(l).id AS source, endNode(l).id AS target,
       type(l) AS type, l.count AS count, toString(l.first_seen) AS first_seen,
       toString(l.last_seen) AS last_seen, capped,
       [x IN coalesce(l.detail_entries, [])
        WHERE left(x, 36) IN [e IN seen | split(e, '|')[$evidence.report_id]]
        | substring(x, 37)] AS details,
       [e IN seen | split(e, '|')[$evidence.source] + split(e, '|')[$evidence.intelligence]
                    + '|' + split(e, '|')[$evidence.report_id]
                    + '|' + CASE split(e, '|')[$evidence.audience] WHEN 'all' THEN 'P' ELSE 'C' END]
         AS evidence
"""

# A node's properties are what the reports the caller may see said of it (each MENTIONS keeps
# what its report said), never the node's own, which any report may have filled in.
VISIBLE_NODES = """
UNWIND $ids AS id
MATCH (n:Entity {id: id})
WHERE any(a IN n.audiences WHERE a IN $audiences)
CALL (n) {
  MATCH (r:Report)-[m:MENTIONS]->(n)
  WHERE r.retracted IS NULL AND any(a IN r.audiences WHERE a IN $audiences)
  WITH m ORDER BY r.observed_at, r.id
  WITH collect(m) AS said
  RETURN said[0].name AS label,
         coalesce(head([x IN said WHERE x.category <> 'other' | x.category]),
                  head([x IN said WHERE x.category IS NOT NULL | x.category])) AS category,
         head([x IN said WHERE x.role IS NOT NULL AND x.role <> 'unknown' | x.role]) AS role,
         head([x IN said WHERE x.lat IS NOT NULL | [x.lat, x.lon]]) AS coordinates
}
RETURN n.id AS id, n.kind AS kind, label, category,
       CASE WHEN n.kind = 'person' THEN coalesce(role, 'unknown') END AS role,
       coalesce(coordinates[0], n.centroid_lat) AS lat,
       coalesce(coordinates[1], n.centroid_lon) AS lon
"""

# The shortest visible path within N links, one statement per N from 1 to 6: a variable-length
# bound cannot be a parameter, and the search must stop at max_depth, not look further and drop
# what it found. They differ only in the bound; reads.py picks one by max_depth. No predicate on
# the whole path (length(p)): it would make Neo4j fall back to an exhaustive search when no path
# qualifies (seconds on a big graph).
SHORTEST_PATH_WITHIN_1 = """
MATCH (a:Entity {id: $source}), (b:Entity {id: $target})
MATCH p = shortestPath((a)-[*..1]-(b))
WHERE all(n IN nodes(p) WHERE n:Entity AND any(x IN n.audiences WHERE x IN $audiences))
  AND all(l IN relationships(p)
          WHERE any(e IN l.evidence WHERE split(e, '|')[$evidence.audience] IN $audiences))
RETURN [n IN nodes(p) | n.id] AS node_ids,
       [l IN relationships(p) | {source: startNode(l).id, target: endNode(l).id, type: type(l),
         count: l.count, first_seen: toString(l.first_seen), last_seen: toString(l.last_seen),
         evidence: [e IN l.evidence WHERE split(e, '|')[$evidence.audience] IN $audiences
                    | split(e, '|')[$evidence.source] + split(e, '|')[$evidence.intelligence]
                      + '|' + split(e, '|')[$evidence.report_id]
                      + '|' + CASE split(e, '|')[$evidence.audience]
                              WHEN 'all' THEN 'P' ELSE 'C' END]}]
         AS links
"""

SHORTEST_PATH_WITHIN_2 = """
MATCH (a:Entity {id: $source}), (b:Entity {id: $target})
MATCH p = shortestPath((a)-[*..2]-(b))
WHERE all(n IN nodes(p) WHERE n:Entity AND any(x IN n.audiences WHERE x IN $audiences))
  AND all(l IN relationships(p)
          WHERE any(e IN l.evidence WHERE split(e, '|')[$evidence.audience] IN $audiences))
RETURN [n IN nodes(p) | n.id] AS node_ids,
       [l IN relationships(p) | {source: startNode(l).id, target: endNode(l).id, type: type(l),
         count: l.count, first_seen: toString(l.first_seen), last_seen: toString(l.last_seen),
         evidence: [e IN l.evidence WHERE split(e, '|')[$evidence.audience] IN $audiences
                    | split(e, '|')[$evidence.source] + split(e, '|')[$evidence.intelligence]
                      + '|' + split(e, '|')[$evidence.report_id]
                      + '|' + CASE split(e, '|')[$evidence.audience]
                              WHEN 'all' THEN 'P' ELSE 'C' END]}]
         AS links
"""

SHORTEST_PATH_WITHIN_3 = """
MATCH (a:Entity {id: $source}), (b:Entity {id: $target})
MATCH p = shortestPath((a)-[*..3]-(b))
WHERE all(n IN nodes(p) WHERE n:Entity AND any(x IN n.audiences WHERE x IN $audiences))
  AND all(l IN relationships(p)
          WHERE any(e IN l.evidence WHERE split(e, '|')[$evidence.audience] IN $audiences))
RETURN [n IN nodes(p) | n.id] AS node_ids,
       [l IN relationships(p) | {source: startNode(l).id, target: endNode(l).id, type: type(l),
         count: l.count, first_seen: toString(l.first_seen), last_seen: toString(l.last_seen),
         evidence: [e IN l.evidence WHERE split(e, '|')[$evidence.audience] IN $audiences
                    | split(e, '|')[$evidence.source] + split(e, '|')[$evidence.intelligence]
                      + '|' + split(e, '|')[$evidence.report_id]
                      + '|' + CASE split(e, '|')[$evidence.audience]
                              WHEN 'all' THEN 'P' ELSE 'C' END]}]
         AS links
"""

SHORTEST_PATH_WITHIN_4 = """
MATCH (a:Entity {id: $source}), (b:Entity {id: $target})
MATCH p = shortestPath((a)-[*..4]-(b))
WHERE all(n IN nodes(p) WHERE n:Entity AND any(x IN n.audiences WHERE x IN $audiences))
  AND all(l IN relationships(p)
          WHERE any(e IN l.evidence WHERE split(e, '|')[$evidence.audience] IN $audiences))
RETURN [n IN nodes(p) | n.id] AS node_ids,
       [l IN relationships(p) | {source: startNode(l).id, target: endNode(l).id, type: type(l),
         count: l.count, first_seen: toString(l.first_seen), last_seen: toString(l.last_seen),
         evidence: [e IN l.evidence WHERE split(e, '|')[$evidence.audience] IN $audiences
                    | split(e, '|')[$evidence.source] + split(e, '|')[$evidence.intelligence]
                      + '|' + split(e, '|')[$evidence.report_id]
                      + '|' + CASE split(e, '|')[$evidence.audience]
                              WHEN 'all' THEN 'P' ELSE 'C' END]}]
         AS links
"""

SHORTEST_PATH_WITHIN_5 = """
MATCH (a:Entity {id: $source}), (b:Entity {id: $target})
MATCH p = shortestPath((a)-[*..5]-(b))
WHERE all(n IN nodes(p) WHERE n:Entity AND any(x IN n.audiences WHERE x IN $audiences))
  AND all(l IN relationships(p)
          WHERE any(e IN l.evidence WHERE split(e, '|')[$evidence.audience] IN $audiences))
RETURN [n IN nodes(p) | n.id] AS node_ids,
       [l IN relationships(p) | {source: startNode(l).id, target: endNode(l).id, type: type(l),
         count: l.count, first_seen: toString(l.first_seen), last_seen: toString(l.last_seen),
         evidence: [e IN l.evidence WHERE split(e, '|')[$evidence.audience] IN $audiences
                    | split(e, '|')[$evidence.source] + split(e, '|')[$evidence.intelligence]
                      + '|' + split(e, '|')[$evidence.report_id]
                      + '|' + CASE split(e, '|')[$evidence.audience]
                              WHEN 'all' THEN 'P' ELSE 'C' END]}]
         AS links
"""

SHORTEST_PATH_WITHIN_6 = """
MATCH (a:Entity {id: $source}), (b:Entity {id: $target})
MATCH p = shortestPath((a)-[*..6]-(b))
WHERE all(n IN nodes(p) WHERE n:Entity AND any(x IN n.audiences WHERE x IN $audiences))
  AND all(l IN relationships(p)
          WHERE any(e IN l.evidence WHERE split(e, '|')[$evidence.audience] IN $audiences))
RETURN [n IN nodes(p) | n.id] AS node_ids,
       [l IN relationships(p) | {source: startNode(l).id, target: endNode(l).id, type: type(l),
         count: l.count, first_seen: toString(l.first_seen), last_seen: toString(l.last_seen),
         evidence: [e IN l.evidence WHERE split(e, '|')[$evidence.audience] IN $audiences
                    | split(e, '|')[$evidence.source] + split(e, '|')[$evidence.intelligence]
                      + '|' + split(e, '|')[$evidence.report_id]
                      + '|' + CASE split(e, '|')[$evidence.audience]
                              WHEN 'all' THEN 'P' ELSE 'C' END]}]
         AS links
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
PERSON_MATCH_FACTS = """
UNWIND $ids AS id
MATCH (p:Person {id: id})
WHERE any(a IN p.audiences WHERE a IN $audiences)
CALL (p) {
  MATCH (r:Report)-[m:MENTIONS]->(p)
  WHERE r.retracted IS NULL AND any(a IN r.audiences WHERE a IN $audiences)
  RETURN collect({name: m.name, nicknames: m.nicknames, date_of_birth: m.date_of_birth,
                  age: m.age, observed_on: toString(date(r.observed_at)),
                  home_address: m.home_address, home_postcode: m.home_postcode,
                  nhs_number: m.nhs_number, upn: m.upn, pnc_id: m.pnc_id, pnd_id: m.pnd_id,
                  la_child_id: m.la_child_id,
                  home_local_authority: m.home_local_authority}) AS mentions
}
CALL (p) {
  OPTIONAL MATCH (p)-[l:USES_PHONE|HAS_HANDLE]->(x:Entity)
  WHERE any(e IN l.evidence WHERE split(e, '|')[$evidence.audience] IN $audiences)
  RETURN collect(DISTINCT x.id) AS contacts
}
RETURN p.id AS id, mentions, contacts
"""

# A person's identifiers, placements, missing episodes, departures and screenings, each as far
# as the reports the caller may see state it.
PERSON_DETAIL = """
MATCH (p:Person {id: $id})
CALL (p) {
  OPTIONAL MATCH (p)-[l:USES_PHONE|HAS_HANDLE]->(x:Entity)
  WHERE any(e IN l.evidence WHERE split(e, '|')[$evidence.audience] IN $audiences)
  WITH x, l ORDER BY l.last_seen DESC
  RETURN collect(CASE WHEN x IS NULL THEN null
                 ELSE {id: x.id, kind: x.kind, name: x.name,
                       last_seen: toString(l.last_seen)} END) AS identifiers
}
CALL (p) {
  OPTIONAL MATCH (p)-[l:PLACED_AT|ATTENDS]->(x:Location)
  WHERE any(e IN l.evidence WHERE split(e, '|')[$evidence.audience] IN $audiences)
  WITH x, l ORDER BY l.last_seen DESC
  RETURN collect(CASE WHEN x IS NULL THEN null
                 ELSE {id: x.id, name: x.name, category: x.category, link: type(l),
                       first_seen: toString(l.first_seen),
                       last_seen: toString(l.last_seen)} END) AS placements
}
CALL (p) {
  OPTIONAL MATCH (p)-[:WENT_MISSING]->(e:MissingEpisode)
  OPTIONAL MATCH (o:Report {id: e.reported_by})
  WHERE o.retracted IS NULL AND any(a IN o.audiences WHERE a IN $audiences)
  OPTIONAL MATCH (c:Report {id: e.ended_by})
  WHERE c.retracted IS NULL AND any(a IN c.audiences WHERE a IN $audiences)
  OPTIONAL MATCH (e)-[:FOUND_AT]->(f:Location)
  WITH e, o, c, f ORDER BY coalesce(e.started_at, e.ended_at) DESC
  RETURN collect(CASE WHEN o IS NULL AND c IS NULL THEN null
                 ELSE {id: e.id,
                       started_at: CASE WHEN o IS NULL THEN null ELSE toString(e.started_at) END,
                       ended_at: CASE WHEN c IS NULL THEN null ELSE toString(e.ended_at) END,
                       found_at: CASE WHEN c IS NULL THEN null ELSE f.name END,
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
  OPTIONAL MATCH (d)-[:LEFT_FROM]->(f:Location)
  OPTIONAL MATCH (d)-[:HEADING_TO]->(t:Location)
  WITH d, r, f, t ORDER BY d.left_at DESC
  RETURN collect(CASE WHEN r IS NULL THEN null
                 ELSE {id: d.id, report_id: r.id, left_at: toString(d.left_at),
                       expected_back: toString(d.expected_back),
                       carrying: coalesce(d.carrying, []), going_to: t.name,
                       left_from: f.name} END) AS departures
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
RETURN DISTINCT o.id AS person_id, m.name AS named_as, l.id AS location_id,
       l.name AS location, l.category AS category, r.id AS report_id,
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

# From a ResolutionDecided event, by the API and by replay alike; a second time changes nothing.
RECORD_DECISION = """
MERGE (d:ResolutionDecision {id: $decision.id})
ON CREATE SET d.event_id = $decision.event_id, d.candidate_id = $decision.candidate_id,
              d.person_a = $decision.person_a, d.person_b = $decision.person_b,
              d.decision = $decision.decision, d.report_ids = $decision.report_ids,
              d.reason = $decision.reason, d.decided_by = $decision.decided_by,
              d.agency = $decision.agency, d.decided_at = datetime($decision.decided_at)
RETURN d.id AS id
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

# ---------------------------------------------------------------- replay

# Report-derived data only: audit entries and analysts' decisions are kept and re-applied.
DELETE_GRAPH_BATCH = """
MATCH (n)
WHERE n:Report OR n:Entity OR n:MatchKey OR n:MissingEpisode OR n:ProtectiveOrder
   OR n:Departure
WITH n LIMIT $batch
DETACH DELETE n
RETURN count(*) AS deleted
"""

DECISIONS_IN_ORDER = """
MATCH (d:ResolutionDecision)
RETURN d.id AS id, d.candidate_id AS candidate_id, d.decision AS decision,
       d.person_a AS person_a, d.person_b AS person_b, d.report_ids AS report_ids,
       d.reason AS reason, d.decided_by AS decided_by, d.agency AS agency,
       toString(d.decided_at) AS decided_at
ORDER BY d.decided_at, d.id
"""

REAPPLY_DECISION = """
MATCH (a:Person)-[c:POSSIBLE_SAME_AS {id: $candidate_id}]->(b:Person)
MATCH (d:ResolutionDecision {id: $decision_id})
SET c.status = CASE d.decision WHEN 'same' THEN 'confirmed' ELSE 'rejected' END
WITH a, b, d
CALL (a, b, d) {
  WITH a, b, d WHERE d.decision = 'same'
  MERGE (a)-[s:SAME_AS]->(b)
  SET s.decision_id = d.id, s.count = 1, s.report_ids = [],
      s.first_seen = d.decided_at, s.last_seen = d.decided_at,
      s.evidence = [e IN a.audiences WHERE e IN b.audiences
                    | toString(d.decided_at) + '|1|A|' + e + '|' + d.id]
}
CALL (a, b, d) {
  WITH a, b, d WHERE d.decision = 'different'
  OPTIONAL MATCH (a)-[s:SAME_AS]-(b)
  DELETE s
}
RETURN count(*) AS applied
"""

# ---------------------------------------------------------------- same: one person (one tx)
# An analyst's `same` merges the two: the person_b side's mentions, links and facts move to the
# person_a side (the MOVE_ statements below), so every detector, read and later mention sees one
# person. Each side is the person it was merged into, if it was (a chain of merges). The merged
# person stays, empty, with MERGED_INTO (the decision, and the survivor's matching facts before
# it took the merged one's), so `different` can undo it; the resolver skips it. Each of these
# two first writes the decision's plan (moved_from, moved_to, moved_reports), or clears it when
# there is nothing to move (applied again, or already one person).
MERGE_CONFIRMED = """
MATCH (d:ResolutionDecision {id: $decision_id})
SET d.moved_from = null, d.moved_to = null, d.moved_reports = null
WITH d WHERE d.decision = 'same'
MATCH (:Person {id: d.person_a})-[:MERGED_INTO*0..]->(keep:Person)
WHERE NOT (keep)-[:MERGED_INTO]->()
MATCH (:Person {id: d.person_b})-[:MERGED_INTO*0..]->(gone:Person)
WHERE NOT (gone)-[:MERGED_INTO]->() AND gone <> keep
MERGE (gone)-[x:MERGED_INTO]->(keep)
SET x.decision_id = d.id, x.names = keep.names, x.nicknames = keep.nicknames,
    x.phones = keep.phones, x.handles = keep.handles,
    x.identifiers = coalesce(keep.identifiers, []),
    x.home_postcodes = coalesce(keep.home_postcodes, []),
    x.home_addresses = coalesce(keep.home_addresses, []),
    x.date_of_birth = keep.date_of_birth, x.birth_year = keep.birth_year,
    d.moved_from = gone.id, d.moved_to = keep.id,
    d.moved_reports = COLLECT { MATCH (r:Report)-[:MENTIONS]->(gone) RETURN DISTINCT r.id }
SET keep.names = keep.names + [n IN gone.names WHERE NOT n IN keep.names],
    keep.nicknames = keep.nicknames + [n IN gone.nicknames WHERE NOT n IN keep.nicknames],
    keep.phones = keep.phones + [n IN gone.phones WHERE NOT n IN keep.phones],
    keep.handles = keep.handles + [n IN gone.handles WHERE NOT n IN keep.handles],
    keep.identifiers = x.identifiers
      + [n IN coalesce(gone.identifiers, []) WHERE NOT n IN x.identifiers],
    keep.home_postcodes = x.home_postcodes
      + [n IN coalesce(gone.home_postcodes, []) WHERE NOT n IN x.home_postcodes],
    keep.home_addresses = x.home_addresses
      + [n IN coalesce(gone.home_addresses, []) WHERE NOT n IN x.home_addresses],
    keep.date_of_birth = coalesce(keep.date_of_birth, gone.date_of_birth),
    keep.birth_year = coalesce(keep.birth_year, gone.birth_year)
WITH keep, gone
CALL (keep, gone) {
  MATCH (gone)-[:HAS_KEY]->(k:MatchKey)
  MERGE (keep)-[:HAS_KEY]->(k)
}
"""

# `different` after a `same` of the same candidate: the reports that merge moved go back to the
# merged person (those still with the survivor), and the survivor loses the matching facts only
# the merged person gave it. Match keys it gained stay, as after a split.
UNMERGE_REJECTED = """
MATCH (d:ResolutionDecision {id: $decision_id})
SET d.moved_from = null, d.moved_to = null, d.moved_reports = null
WITH d WHERE d.decision = 'different'
MATCH (s:ResolutionDecision {candidate_id: d.candidate_id, decision: 'same'})
MATCH (gone:Person)-[x:MERGED_INTO {decision_id: s.id}]->(:Person)-[:MERGED_INTO*0..]->(keep)
WHERE NOT (keep)-[:MERGED_INTO]->()
SET d.moved_from = keep.id, d.moved_to = gone.id, d.moved_reports = s.moved_reports,
    keep.names = [n IN keep.names WHERE n IN x.names OR NOT n IN gone.names],
    keep.nicknames = [n IN keep.nicknames WHERE n IN x.nicknames OR NOT n IN gone.nicknames],
    keep.phones = [n IN keep.phones WHERE n IN x.phones OR NOT n IN gone.phones],
    keep.handles = [n IN keep.handles WHERE n IN x.handles OR NOT n IN gone.handles],
    keep.identifiers = [n IN coalesce(keep.identifiers, [])
                        WHERE n IN x.identifiers OR NOT n IN coalesce(gone.identifiers, [])],
    keep.home_postcodes = [n IN coalesce(keep.home_postcodes, [])
                           WHERE n IN x.home_postcodes
                              OR NOT n IN coalesce(gone.home_postcodes, [])],
    keep.home_addresses = [n IN coalesce(keep.home_addresses, [])
                           WHERE n IN x.home_addresses
                              OR NOT n IN coalesce(gone.home_addresses, [])],
    keep.date_of_birth = CASE WHEN x.date_of_birth IS NULL
                               AND keep.date_of_birth = gone.date_of_birth
                              THEN null ELSE keep.date_of_birth END,
    keep.birth_year = CASE WHEN x.birth_year IS NULL AND keep.birth_year = gone.birth_year
                           THEN null ELSE keep.birth_year END
DELETE x
"""

# ---------------------------------------------------------------- split (one transaction)
# Each statement reads the recorded ResolutionDecision (person_a is split, its mentions in
# report_ids move to person_b), so the API and replay apply a split identically, and applying
# it again moves nothing more. The first says whether the person is there (`applied`), and
# writes the plan the MOVE_ statements follow.
# The new person is findable by the old one's match keys, but starts with no names of its own,
# so the resolver never merges a mention into it with certainty: it only proposes candidates.

SPLIT_NEW_PERSON = """
MATCH (d:ResolutionDecision {id: $decision_id})
MATCH (p:Person {id: d.person_a})
MERGE (n:Person {id: d.person_b})
ON CREATE SET n:Entity, n.kind = 'person', n.split_from = p.id, n.split_by = d.id,
              n.names = [], n.nicknames = [], n.phones = [], n.handles = [], n.audiences = [],
              n.role = p.role, n.gender = p.gender, n.learning_disability = false,
              n.looked_after = false, n.additional_needs = false
MERGE (p)-[x:NOT_SAME_AS]->(n)
ON CREATE SET x.decision_id = d.id, x.reason = d.reason, x.decided_at = d.decided_at
SET d.moved_from = p.id, d.moved_to = n.id, d.moved_reports = d.report_ids
WITH p, n
CALL (p, n) {
  MATCH (p)-[:HAS_KEY]->(k:MatchKey)
  MERGE (n)-[:HAS_KEY]->(k)
}
RETURN count(*) AS applied
"""

# ---------------------------------------------------------------- moving reports between people
# A decision's plan, written by its first statements: the mentions of person moved_from in the
# reports moved_reports, and the links and facts those reports support, move to moved_to
# (a split, a merge, and the undoing of a merge). No plan: nothing moves.

MOVE_MENTIONS = """
MATCH (d:ResolutionDecision {id: $decision_id})
MATCH (p:Person {id: d.moved_from})
MATCH (n:Person {id: d.moved_to})
UNWIND d.moved_reports AS report_id
MATCH (r:Report {id: report_id})-[m:MENTIONS]->(p)
MERGE (r)-[moved:MENTIONS {part: m.part}]->(n)
SET moved = properties(m),
    n.name = coalesce(n.name, m.name),
    n.nicknames = n.nicknames + [x IN coalesce(m.nicknames, []) WHERE NOT x IN n.nicknames]
DELETE m
"""

# Links whose every report moves, move whole; shared ones are divided. The count is the number
# of reports behind a link, and first and last seen are recomputed from them.
MOVE_OUTGOING_LINKS = """
MATCH (d:ResolutionDecision {id: $decision_id})
MATCH (p:Person {id: d.moved_from})-[l]->(o:Entity)
MATCH (n:Person {id: d.moved_to})
WHERE o <> n AND any(x IN coalesce(l.report_ids, []) WHERE x IN d.moved_reports)
WITH n, o, l, type(l) AS kind, [x IN l.report_ids WHERE x IN d.moved_reports] AS moving
MERGE (n)-[k:$(kind)]->(o)
ON CREATE SET k.report_ids = [], k.evidence = [], k.detail_entries = [], k.count = 0
SET k.report_ids = k.report_ids + [x IN moving WHERE NOT x IN k.report_ids],
    k.evidence = k.evidence
      + [e IN l.evidence
         WHERE split(e, '|')[$evidence.report_id] IN moving AND NOT e IN k.evidence],
    k.detail_entries = coalesce(k.detail_entries, [])
      + [x IN coalesce(l.detail_entries, [])
         WHERE left(x, 36) IN moving AND NOT x IN coalesce(k.detail_entries, [])],
    l.detail_entries = [x IN coalesce(l.detail_entries, []) WHERE NOT left(x, 36) IN moving],
    l.report_ids = [x IN l.report_ids WHERE NOT x IN moving],
    l.evidence = [e IN l.evidence
                  WHERE NOT split(e, '|')[$evidence.report_id] IN moving]
SET k.count = size(k.report_ids), l.count = size(l.report_ids)
WITH k, l
CALL (k) {
  MATCH (r:Report) WHERE r.id IN k.report_ids
  RETURN min(r.observed_at) AS k_first, max(r.observed_at) AS k_last
}
CALL (l) {
  MATCH (r:Report) WHERE r.id IN l.report_ids
  RETURN min(r.observed_at) AS l_first, max(r.observed_at) AS l_last
}
SET k.first_seen = k_first, k.last_seen = k_last, l.first_seen = l_first, l.last_seen = l_last
WITH l WHERE l.count = 0
DELETE l
"""

MOVE_INCOMING_LINKS = """
MATCH (d:ResolutionDecision {id: $decision_id})
MATCH (o:Entity)-[l]->(p:Person {id: d.moved_from})
MATCH (n:Person {id: d.moved_to})
WHERE o <> n AND any(x IN coalesce(l.report_ids, []) WHERE x IN d.moved_reports)
WITH n, o, l, type(l) AS kind, [x IN l.report_ids WHERE x IN d.moved_reports] AS moving
MERGE (o)-[k:$(kind)]->(n)
ON CREATE SET k.report_ids = [], k.evidence = [], k.detail_entries = [], k.count = 0
SET k.report_ids = k.report_ids + [x IN moving WHERE NOT x IN k.report_ids],
    k.evidence = k.evidence
      + [e IN l.evidence
         WHERE split(e, '|')[$evidence.report_id] IN moving AND NOT e IN k.evidence],
    k.detail_entries = coalesce(k.detail_entries, [])
      + [x IN coalesce(l.detail_entries, [])
         WHERE left(x, 36) IN moving AND NOT x IN coalesce(k.detail_entries, [])],
    l.detail_entries = [x IN coalesce(l.detail_entries, []) WHERE NOT left(x, 36) IN moving],
    l.report_ids = [x IN l.report_ids WHERE NOT x IN moving],
    l.evidence = [e IN l.evidence
                  WHERE NOT split(e, '|')[$evidence.report_id] IN moving]
SET k.count = size(k.report_ids), l.count = size(l.report_ids)
WITH k, l
CALL (k) {
  MATCH (r:Report) WHERE r.id IN k.report_ids
  RETURN min(r.observed_at) AS k_first, max(r.observed_at) AS k_last
}
CALL (l) {
  MATCH (r:Report) WHERE r.id IN l.report_ids
  RETURN min(r.observed_at) AS l_first, max(r.observed_at) AS l_last
}
SET k.first_seen = k_first, k.last_seen = k_last, l.first_seen = l_first, l.last_seen = l_last
WITH l WHERE l.count = 0
DELETE l
"""

# Missing episodes, departures and orders the moved reports stated follow them.
MOVE_FACTS = """
MATCH (d:ResolutionDecision {id: $decision_id})
MATCH (p:Person {id: d.moved_from})
MATCH (n:Person {id: d.moved_to})
CALL (d, p, n) {
  MATCH (p)-[w:WENT_MISSING]->(e:MissingEpisode)
  WHERE coalesce(e.reported_by, e.ended_by) IN d.moved_reports
  MERGE (n)-[:WENT_MISSING]->(e)
  DELETE w
}
CALL (d, p, n) {
  MATCH (p)-[w:DEPARTED]->(x:Departure)
  WHERE x.report_id IN d.moved_reports
  MERGE (n)-[:DEPARTED]->(x)
  DELETE w
}
CALL (d, p, n) {
  MATCH (e:MissingEpisode)-[w:FOUND_WITH_PERSON]->(p)
  WHERE e.ended_by IN d.moved_reports
  MERGE (e)-[:FOUND_WITH_PERSON]->(n)
  DELETE w
}
CALL (d, p, n) {
  MATCH (p)-[s:SUBJECT_OF]->(o:ProtectiveOrder)
  WHERE o.report_id IN d.moved_reports
  MERGE (n)-[:SUBJECT_OF]->(o)
  DELETE s
}
CALL (d, p, n) {
  MATCH (o:ProtectiveOrder)-[s:PROTECTS]->(p)
  WHERE o.report_id IN d.moved_reports
  MERGE (o)-[:PROTECTS]->(n)
  DELETE s
}
"""

# Who may see each entity: the audiences of the reports that mention it and are not retracted
# (none left: nobody). Run for the entities a split or a retraction touched.
REFRESH_AUDIENCES = """
UNWIND $ids AS id
MATCH (x:Entity {id: id})
CALL (x) {
  OPTIONAL MATCH (r:Report)-[:MENTIONS]->(x)
  WHERE r.retracted IS NULL
  WITH collect(r.audiences) AS lists
  RETURN reduce(acc = [], a IN reduce(flat = [], l IN lists | flat + l)
                | CASE WHEN a IN acc THEN acc ELSE acc + a END) AS audiences
}
SET x.audiences = audiences
"""

# The same, for the people a decision's plan moved reports between. A merged person keeps who
# could see it, so the candidate it was confirmed by stays visible for a `different`.
REFRESH_MOVED_AUDIENCES = """
MATCH (d:ResolutionDecision {id: $decision_id})
UNWIND CASE d.decision WHEN 'same' THEN [d.moved_to] ELSE [d.moved_from, d.moved_to] END AS id
MATCH (x:Entity {id: id})
CALL (x) {
  OPTIONAL MATCH (r:Report)-[:MENTIONS]->(x)
  WHERE r.retracted IS NULL
  WITH collect(r.audiences) AS lists
  RETURN reduce(acc = [], a IN reduce(flat = [], l IN lists | flat + l)
                | CASE WHEN a IN acc THEN acc ELSE acc + a END) AS audiences
}
SET x.audiences = audiences
"""

# ---------------------------------------------------------------- retraction (one transaction)

# The report is kept, marked; the first retraction's who, when and why stand. A retraction that
# arrives before its report leaves a node the report fills in later (see MERGE_REPORTS).
MARK_RETRACTED = """
MERGE (r:Report {id: $retraction.report_id})
SET r.retracted = true,
    r.retraction_id = coalesce(r.retraction_id, $retraction.id),
    r.retracted_at = coalesce(r.retracted_at, datetime($retraction.at)),
    r.retracted_by = coalesce(r.retracted_by, $retraction.by),
    r.retracted_by_agency = coalesce(r.retracted_by_agency, $retraction.agency),
    r.retraction_reason = coalesce(r.retraction_reason, $retraction.reason)
WITH r
OPTIONAL MATCH (r)-[:MENTIONS]->(x:Entity)
RETURN collect(DISTINCT x.id) AS mentioned
"""

# A retracted report's part in premises' statuses: each stands on the reports that remain, and
# drugs-house status dates from the earliest of them. (Statuses written before the reports
# behind them were kept have no lists, and stay.)
WITHDRAW_PLACE_STATUS = """
MATCH (:Report {id: $report_id})-[:MENTIONS]->(l:Location)
WHERE $report_id IN coalesce(l.drugs_house_reports, []) + coalesce(l.vulnerable_tenant_reports, [])
                    + coalesce(l.cuckooing_reports, []) + coalesce(l.multiple_callers_reports, [])
SET l.drugs_house_reports = [x IN coalesce(l.drugs_house_reports, []) WHERE x <> $report_id],
    l.vulnerable_tenant_reports =
      [x IN coalesce(l.vulnerable_tenant_reports, []) WHERE x <> $report_id],
    l.cuckooing_reports = [x IN coalesce(l.cuckooing_reports, []) WHERE x <> $report_id],
    l.multiple_callers_reports =
      [x IN coalesce(l.multiple_callers_reports, []) WHERE x <> $report_id]
SET l.drugs_house = size(l.drugs_house_reports) > 0,
    l.vulnerable_tenant = size(l.vulnerable_tenant_reports) > 0,
    l.cuckooing_suspected = size(l.cuckooing_reports) > 0,
    l.multiple_callers = size(l.multiple_callers_reports) > 0
WITH l
CALL (l) {
  OPTIONAL MATCH (s:Report) WHERE s.id IN l.drugs_house_reports
  WITH s ORDER BY s.observed_at, s.id
  RETURN collect(s)[0] AS first
}
SET l.drugs_house_since = first.observed_at, l.drugs_house_report = first.id
"""

# A link joins two entities its report mentions (MENTIONS stay after a retraction and move
# with a split), so every link citing the report is found from them.
WITHDRAW_LINKS = """
MATCH (r:Report {id: $report_id})-[:MENTIONS]->(:Entity)-[l]->(:Entity)
WHERE $report_id IN coalesce(l.report_ids, [])
WITH DISTINCT l
SET l.report_ids = [x IN l.report_ids WHERE x <> $report_id],
    l.evidence = [e IN l.evidence WHERE split(e, '|')[$evidence.report_id] <> $report_id],
    l.detail_entries = [x IN coalesce(l.detail_entries, []) WHERE left(x, 36) <> $report_id]
SET l.count = size(l.report_ids)
WITH l
CALL (l) {
  MATCH (r:Report) WHERE r.id IN l.report_ids
  RETURN min(r.observed_at) AS first, max(r.observed_at) AS last
}
SET l.first_seen = first, l.last_seen = last
WITH l WHERE l.count = 0
DELETE l
"""
