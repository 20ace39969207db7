"""Cypher the tests use to read back and clean up their own synthetic data."""

COUNT_REPORTS = "MATCH (r:Report {id: $report_id}) RETURN count(r) AS n"

REPORT_AGENCY = "MATCH (r:Report {id: $report_id}) RETURN r.source_agency AS agency"

READ_SEEN_AT = """
MATCH (p:Person {id: $person_id})-[s:SEEN_AT]->(l:Location {id: $location_id})
RETURN s.count AS count, s.report_ids AS report_ids
"""

COUNT_BY_LABEL_AND_ID = """
MATCH (n {id: $id})
RETURN count(n) AS n
"""

DELETE_REPORTS_AND_THEIR_ENTITIES = """
UNWIND $report_ids AS report_id
MATCH (r:Report {id: report_id})
OPTIONAL MATCH (r)-[:MENTIONS]->(e)
OPTIONAL MATCH (e)-[:WENT_MISSING|SUBJECT_OF|DEPARTED]->(f)
OPTIONAL MATCH (a:Alert)-[:CITES]->(r)
OPTIONAL MATCH (a)-[:HAS_HISTORY]->(h:AlertHistory)
OPTIONAL MATCH (g:Person)-[:MERGED_INTO*]->(e)
DETACH DELETE r, e, f, a, h, g
"""

LIST_CONSTRAINTS = "SHOW CONSTRAINTS YIELD name RETURN collect(name) AS names"

POSSIBLE_SAME_AS = """
MATCH (:Person {id: $person_id})-[c:POSSIBLE_SAME_AS]-(o:Person)
RETURN o.id AS other, c.score AS score, c.status AS status
"""

CHILDREN_IN_VEHICLE = """
MATCH (p:Person)-[l:IN_VEHICLE]->(:Vehicle {id: $vehicle_id})
RETURN count(DISTINCT p) AS children
"""

MENTIONS_OF_REPORTS = """
UNWIND $report_ids AS report_id
MATCH (r:Report {id: report_id})-[m:MENTIONS]->(e:Entity)
RETURN r.id AS report, m.part AS part, e.id AS entity, m.name AS name
"""

LINKS_AMONG = """
MATCH (a:Entity)-[l]->(b:Entity)
WHERE a.id IN $ids AND b.id IN $ids
RETURN type(l) AS type, a.id AS source, b.id AS target, l.count AS count,
       l.report_ids AS report_ids, toString(l.first_seen) AS first_seen,
       toString(l.last_seen) AS last_seen, l.status AS status, l.detail_entries AS details
"""

COUNT_EACH_REPORT = """
UNWIND $report_ids AS report_id
MATCH (r:Report {id: report_id})
RETURN r.id AS id, count(r) AS n
"""

READ_SEEN_AT_OF_PLACE = """
MATCH (:Person)-[s:SEEN_AT]->(l:Location {name: $place})
RETURN s.count AS count
"""

DELETE_DECISIONS = """
UNWIND $ids AS id
MATCH (d:ResolutionDecision {id: id})
DETACH DELETE d
"""

COUNT_DECISIONS = """
UNWIND $ids AS id
MATCH (d:ResolutionDecision {id: id})
RETURN count(d) AS n
"""

SAME_AS_BETWEEN = """
MATCH (:Person {id: $a})-[s:SAME_AS]-(:Person {id: $b})
RETURN count(s) AS n
"""

LINKS_OF = """
MATCH (e:Entity {id: $id})-[l]-(o:Entity)
WHERE l.report_ids IS NOT NULL AND type(l) <> 'SAME_AS'
RETURN type(l) AS type, o.id AS other, l.count AS count, l.report_ids AS report_ids,
       l.evidence AS evidence, toString(l.first_seen) AS first_seen,
       toString(l.last_seen) AS last_seen
ORDER BY type, other
"""

MENTIONED_BY = """
MATCH (r:Report)-[:MENTIONS]->(:Entity {id: $id})
RETURN collect(r.id) AS report_ids
"""

REPORT_RETRACTION = """
MATCH (r:Report {id: $report_id})
RETURN r.retracted AS retracted, r.retraction_reason AS reason, r.retracted_by AS by,
       toString(r.retracted_at) AS at
"""

NOT_SAME_AS_BETWEEN = """
MATCH (:Person {id: $a})-[x:NOT_SAME_AS]-(:Person {id: $b})
RETURN count(x) AS n
"""

COUNT_AUDITED = """
MATCH (a:AuditEntry {action: $action})
WHERE $id IN a.subject_ids
RETURN count(a) AS n
"""

EPISODES_OF_REPORTS = """
UNWIND $report_ids AS report_id
MATCH (:Report {id: report_id})-[:MENTIONS]->(p:Person)-[:WENT_MISSING]->(e:MissingEpisode)
OPTIONAL MATCH (e)-[:FOUND_AT]->(l:Location)
RETURN DISTINCT p.id AS person, e.id AS episode, toString(e.started_at) AS started,
       toString(e.ended_at) AS ended, e.ended_by AS ended_by, e.duration_hours AS hours,
       l.id AS found_at
"""

PEOPLE_OF_REPORTS = """
UNWIND $report_ids AS report_id
MATCH (:Report {id: report_id})-[:MENTIONS]->(p:Person)
RETURN DISTINCT p.id AS id, p.names AS names, p.nicknames AS nicknames,
       p.date_of_birth AS date_of_birth, p.audiences AS audiences
"""

PLACE_STATUS = """
MATCH (l:Location {id: $place_id})
RETURN coalesce(l.drugs_house, false) AS drugs_house,
       coalesce(l.vulnerable_tenant, false) AS vulnerable_tenant,
       l.drugs_house_report AS drugs_house_report,
       toString(l.drugs_house_since) AS drugs_house_since
"""

# The areas a place's reports give it, as linking keeps them (services/network/linking/queries.py).
PLACE_AREAS = """
MATCH (l:Location {id: $place_id})
RETURN l.areas AS areas, l.area_first_report AS first, l.area_first_at AS first_at,
       l.area_latest_report AS latest, l.area_latest_at AS latest_at,
       l.area_latest_la AS latest_la, l.area_latest_pfa AS latest_pfa,
       l.la_latest_report AS la_latest, l.la_latest AS la
"""

# What a place keeps of the earliest report of each audience to name it, to give it a category
# and to give coordinates (MERGE_LOCATIONS), and a place as every report the caller may see names
# it, read the long way (as the analyst's VISIBLE_NODES reads any other entity).
PLACE_FIRST_SAID = """
MATCH (l:Location {id: $place_id})
RETURN l.said_first AS said_first, l.said_first_category AS said_first_category,
       l.said_first_located AS said_first_located
"""
PLACE_FROM_EVERY_REPORT = """
MATCH (r:Report)-[m:MENTIONS]->(n:Location {id: $place_id})
WHERE r.retracted IS NULL AND any(a IN r.audiences WHERE a IN $audiences)
WITH m ORDER BY r.observed_at, r.id
WITH collect(m) AS said
RETURN said[0].name AS label,
       coalesce(head([x IN said WHERE x.category <> 'other' | x.category]),
                head([x IN said WHERE x.category IS NOT NULL | x.category])) AS category,
       head([x IN said WHERE x.lat IS NOT NULL | [x.lat, x.lon]]) AS coordinates
"""
FORGET_FIRST_SAID = """
MATCH (l:Location {id: $id})
REMOVE l.said_first, l.said_first_category, l.said_first_located
"""

# A store from before places and people kept what their reports say (migrations 012 and 013).
FORGET_KEPT_AREAS = """
MATCH (l:Location {id: $id})
REMOVE l.areas, l.area_first_report, l.area_first_at, l.area_latest_report, l.area_latest_at,
       l.area_latest_la, l.area_latest_pfa, l.la_latest_report, l.la_latest_at, l.la_latest
"""
FORGET_KEPT_TRAITS = """
MATCH (p:Person {id: $id})
REMOVE p.young_reports, p.young_reports_at, p.needs_reports, p.needs_reports_at, p.aged_reports,
       p.aged_reports_at, p.aged_reports_age
"""

# What reports say of a person that decides an alert, as linking keeps it on the person
# (services/network/linking/queries.py MERGE_PERSONS).
PERSON_TRAITS = """
MATCH (p:Person {id: $person_id})
RETURN p {.young_reports, young_at: toStringList(p.young_reports_at), .needs_reports,
          needs_at: toStringList(p.needs_reports_at), .aged_reports,
          aged_at: toStringList(p.aged_reports_at), .aged_reports_age} AS traits
"""

CANDIDATES_AMONG = """
MATCH (a:Person)-[c:POSSIBLE_SAME_AS]->(b:Person)
WHERE a.id IN $person_ids OR b.id IN $person_ids
RETURN c.id AS id
ORDER BY id
"""

# Decisions name the people they are about; a split's new person is mentioned by the reports
# moved to it, so the reports find every person a decision could name.
DELETE_DECISIONS_ABOUT_REPORTS = """
MATCH (r:Report)-[:MENTIONS]->(p:Person)
WHERE r.id IN $report_ids
WITH collect(DISTINCT p.id) AS person_ids
MATCH (d:ResolutionDecision)
WHERE d.person_a IN person_ids OR d.person_b IN person_ids
DETACH DELETE d
"""

# The audit's Neo4j copy is only read here: nothing, tests included, deletes an audit entry.
AUDIT_COPIES_WITH_PURPOSE = """
MATCH (a:AuditEntry)
WHERE a.purpose = $purpose
RETURN properties(a) AS entry
"""

# An alert a test saved, with its history (each change, and its outbox entry if unpublished).
DELETE_ALERT_AND_HISTORY = """
MATCH (a:Alert {id: $alert_id})
OPTIONAL MATCH (a)-[:HAS_HISTORY]->(h:AlertHistory)
DETACH DELETE a, h
"""

# What one report's MENTIONS of a person kept, and what the person node holds for matching.
MENTION_AND_PERSON = """
MATCH (r:Report {id: $report_id})-[m:MENTIONS]->(p:Person {id: $person_id})
RETURN properties(m) AS said, properties(p) AS node
"""

PEOPLE_NAMED = """
MATCH (:Report)-[m:MENTIONS]->(p:Person)
WHERE m.name = $name
RETURN DISTINCT p.id AS id
"""

CENTROID_OF = """
MATCH (c:PostcodeCentroid {postcode: $postcode})
RETURN c.lat AS lat, c.lon AS lon
"""

# Removing a run's reports in batches (tests/support/cleanup.py): the alerts citing them first.
DELETE_ALERTS_CITING = """
UNWIND $report_ids AS report_id
MATCH (a:Alert)-[:CITES]->(:Report {id: report_id})
WITH DISTINCT a
OPTIONAL MATCH (a)-[:HAS_HISTORY]->(h:AlertHistory)
DETACH DELETE a, h
"""

# Entities, episodes and orders go with the last report that mentions them; a phone or match key
# other data still uses stays.
DELETE_REPORTS = """
UNWIND $report_ids AS report_id
MATCH (r:Report {id: report_id})
OPTIONAL MATCH (r)-[:MENTIONS]->(e)
WITH collect(DISTINCT r) AS reports, collect(DISTINCT e) AS entities
FOREACH (r IN reports | DETACH DELETE r)
WITH entities
UNWIND entities AS e
WITH e WHERE NOT (e)<-[:MENTIONS]-(:Report)
OPTIONAL MATCH (e)-[:WENT_MISSING|SUBJECT_OF|DEPARTED]->(f)
OPTIONAL MATCH (e)-[:HAS_KEY]->(k:MatchKey)
WITH collect(DISTINCT e) AS entities, collect(DISTINCT f) AS facts, collect(DISTINCT k) AS keys
FOREACH (f IN facts | DETACH DELETE f)
FOREACH (e IN entities | DETACH DELETE e)
WITH keys
UNWIND keys AS k
WITH k WHERE NOT (k)<-[:HAS_KEY]-()
DELETE k
"""

# The entities the reports mention: those that stay have their areas, traits and latest links
# worked out again once the reports are gone (REFRESH_PLACES, REFRESH_PERSONS, and the
# schema migration of latest links).
ENTITIES_MENTIONED_BY = """
UNWIND $report_ids AS report_id
MATCH (:Report {id: report_id})-[:MENTIONS]->(x:Entity)
RETURN collect(DISTINCT x.id) AS ids
"""

COUNT_REPORTS_AMONG = """
UNWIND $report_ids AS report_id
MATCH (r:Report {id: report_id})
RETURN count(r) AS n
"""

# ---- the fault tests' checks (tests/support/faults.py): nothing lost or written twice

# Each report, with 0 when it is not in the graph.
COUNT_EACH_REPORT_OR_NONE = """
UNWIND $report_ids AS report_id
OPTIONAL MATCH (r:Report {id: report_id})
RETURN report_id AS id, count(r) AS n
"""

# Links of the reports' entities whose count or report list says a report was applied twice.
LINKS_COUNTED_TWICE = """
UNWIND $report_ids AS report_id
MATCH (:Report {id: report_id})-[:MENTIONS]->(:Entity)-[l]-(:Entity)
WHERE l.report_ids IS NOT NULL
WITH DISTINCT l
UNWIND l.report_ids AS listed
WITH l, count(listed) AS entries, count(DISTINCT listed) AS distinct_entries
WHERE entries <> distinct_entries OR l.count <> entries
RETURN type(l) AS type, startNode(l).id AS source, endNode(l).id AS target,
       l.count AS count, entries, distinct_entries
LIMIT 20
"""

MISSING_EPISODES_OF = """
MATCH (:Person {name: $name})-[:WENT_MISSING]->(e:MissingEpisode)
RETURN count(DISTINCT e) AS episodes, count(DISTINCT e.ended_by) AS ended
"""

ALERTS_CITING_ALL = """
MATCH (a:Alert {type: $type})-[:CITES]->(r:Report)
WHERE r.id IN $report_ids
WITH a, count(DISTINCT r) AS cited
WHERE cited = size($report_ids)
RETURN a.id AS id, a.fingerprint AS fingerprint, a.body AS body
"""

ALERTS_OF_TYPE = """
MATCH (a:Alert {type: $type})
OPTIONAL MATCH (a)-[:CITES]->(r:Report)
RETURN a.fingerprint AS fingerprint, a.body AS body, collect(r.id) AS report_ids
"""

COUNT_ALERTS_WITH_FINGERPRINT = """
MATCH (a:Alert {fingerprint: $fingerprint})
RETURN count(a) AS n
"""

PEOPLE_WITH_KEYS = """
UNWIND $people AS row
CREATE (p:Entity:Person {id: row.id, kind: 'person', names: row.names})
WITH p, row
UNWIND row.keys AS key
MERGE (k:MatchKey {key: key})
CREATE (p)-[:HAS_KEY]->(k)
"""

# Whether the person is labelled Merged (an analyst's `same` merged them into another).
PERSON_IS_MERGED = """
MATCH (p:Person {id: $person_id})
RETURN p:Merged AS merged
"""

# A merged person as a store written before migration 019 kept them: no Merged label.
FORGET_MERGED_LABEL = """
MATCH (p:Person {id: $person_id})
REMOVE p:Merged
"""

# The blocking keys each person holds, and which of the keys asked for are still nodes.
KEYS_OF_PEOPLE = """
UNWIND $ids AS id
MATCH (p:Person {id: id})
OPTIONAL MATCH (p)-[:HAS_KEY]->(k:MatchKey)
WITH p, collect(k.key) AS keys
RETURN p.id AS id, keys,
       [key IN $keys WHERE EXISTS { MATCH (:MatchKey {key: key}) }] AS nodes
"""

DELETE_PEOPLE_AND_KEYS = """
UNWIND $ids AS id
MATCH (p:Person {id: id})
DETACH DELETE p
WITH count(*) AS gone
UNWIND $keys AS key
MATCH (k:MatchKey {key: key})
DETACH DELETE k
"""

# What a place keeps of its latest links (schemas/graph.py LATEST_LINKS_KEPT).
PLACE_LATEST_LINKS = """
MATCH (l:Location {id: $place_id})
RETURN l.latest_links AS links, l.latest_links_cutoff AS cutoffs, l.latest_links_spans AS spans
"""

# Entities as if linked before entities kept their latest links, so the schema migration works
# them out again from their links: to compare with what linking kept, and for those whose links
# were deleted with the reports and entities of a run (an entry naming a deleted entity would
# hold the place of a link that is there).
FORGET_LATEST_LINKS_OF = """
UNWIND $ids AS id
MATCH (x:Entity {id: id})
WHERE NOT x:Person
REMOVE x.latest_links, x.latest_links_cutoff, x.latest_links_spans
"""

# A place's latest links with one left out (to tell whether a read used them), and the spans
# after it one place earlier.
LEAVE_OUT_LATEST_LINK = """
MATCH (l:Location {id: $place_id})
WITH l, [i IN range(0, size(l.latest_links) - 1) WHERE l.latest_links[i] = $entry][0] AS at
SET l.latest_links = [e IN l.latest_links WHERE e <> $entry],
    l.latest_links_spans = [s IN [s IN l.latest_links_spans | split(s, '|')]
                            | s[0] + '|'
                              + toString(toInteger(s[1]) - CASE WHEN toInteger(s[1]) > at
                                                                THEN 1 ELSE 0 END) + '|'
                              + toString(toInteger(s[2]) - CASE WHEN toInteger(s[2]) > at
                                                                THEN 1 ELSE 0 END)]
"""

# A place's latest links with the element id of each entry's link made that of another link
# (the first entry's, when the entry is not the first), as if its own link had gone and its id
# been given to another.
SWAP_LATEST_LINK_IDS = """
MATCH (l:Location {id: $place_id})
WITH l, [e IN l.latest_links | split(e, '|')] AS entries
WITH l, entries, entries[0][4] AS first, entries[1][4] AS second
SET l.latest_links = [x IN entries
                      | x[0] + '|' + x[1] + '|' + x[2] + '|' + x[3] + '|'
                        + CASE WHEN x[4] = first THEN second ELSE first END]
"""

# A place's latest links with the element id left out of every entry, as if unknown.
FORGET_LATEST_LINK_IDS = """
MATCH (l:Location {id: $place_id})
SET l.latest_links = [x IN [e IN l.latest_links | split(e, '|')]
                      | x[0] + '|' + x[1] + '|' + x[2] + '|' + x[3] + '|']
"""

# What any entity but a person keeps of its earliest reports (`said_first`), and the same left
# out, as if linked before it kept them (for the schema migration).
ENTITY_FIRST_SAID = """
MATCH (x:Entity {id: $entity_id})
RETURN x.said_first AS said_first
"""

FORGET_ENTITY_FIRST_SAID = """
MATCH (x:Entity {id: $entity_id})
REMOVE x.said_first
"""

# What a person keeps of the earliest report of each audience to mention them and to give them a
# known role (MERGE_PERSONS), and a person as every report the caller may see names them, read
# the long way (as the analyst's VISIBLE_NODES read a person before they kept them).
PERSON_FIRST_SAID = """
MATCH (p:Person {id: $person_id})
RETURN p.said_first AS said_first, p.said_first_role AS said_first_role
"""
PERSON_FROM_EVERY_REPORT = """
MATCH (r:Report)-[m:MENTIONS]->(n:Person {id: $person_id})
WHERE r.retracted IS NULL AND any(a IN r.audiences WHERE a IN $audiences)
WITH m ORDER BY r.observed_at, r.id
WITH collect(m) AS said
RETURN said[0].name AS label,
       coalesce(head([x IN said WHERE x.role IS NOT NULL AND x.role <> 'unknown' | x.role]),
                'unknown') AS role
"""
FORGET_PERSON_FIRST_SAID = """
MATCH (p:Person {id: $person_id})
REMOVE p.said_first, p.said_first_role
"""

# An entity made visible to no one while its links stay as they are (as no writer would: a link
# the caller may see is stated by a report naming both its ends), to show that what reads
# links alone still never shows it.
HIDE_ENTITY = """
MATCH (x:Entity {id: $id})
WITH x, x.audiences AS audiences
SET x.audiences = []
RETURN audiences
"""

SHOW_ENTITY_AGAIN = """
MATCH (x:Entity {id: $id})
SET x.audiences = $audiences
"""

# An open alert as saved before alerts kept which reports they cite.
FORGET_CITED_DIGEST = """
MATCH (a:Alert {open_fingerprint: $fingerprint})
REMOVE a.cited_digest
"""

# The digest an open alert is told by (lifecycle.evidence_digest), read, or set as an alert saved
# before digests named subjects has it.
OPEN_ALERT_DIGEST = """
MATCH (a:Alert {open_fingerprint: $fingerprint})
RETURN a.evidence_digest AS digest
"""
SET_OPEN_ALERT_DIGEST = """
MATCH (a:Alert {open_fingerprint: $fingerprint})
SET a.evidence_digest = $digest
"""
