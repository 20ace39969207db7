"""Cypher for the alert service. Values are always $parameters."""

# The alert holding the fingerprint's one open place (migration 011), if any.
GET_OPEN_ALERT = """
UNWIND $ids AS for_id
MATCH (a:Alert {open_fingerprint: for_id})
RETURN collect({for_id: for_id, body: a.body}) AS rows
"""

# What the store holds of a fingerprint, in one read: whether an alert with it is open, with the
# digest of what it cites (lifecycle.evidence_digest, written with its body), and, only when none
# is open, the most recently closed one; read for many fingerprints at once (`batched_reads.py`:
# a row names its fingerprint in `for_id`).
GET_FINGERPRINT_STATE = """
UNWIND $ids AS for_id
OPTIONAL MATCH (o:Alert {open_fingerprint: for_id})
CALL (for_id, o) {
  OPTIONAL MATCH (c:Alert {fingerprint: for_id})
  WHERE o IS NULL AND c.status = 'closed'
  WITH c ORDER BY c.closed_at DESC
  LIMIT 1
  RETURN c.body AS closed_body, toString(c.closed_at) AS closed_at
}
RETURN collect({for_id: for_id, has_open: o IS NOT NULL, digest: o.evidence_digest,
                cited_kept: o.cited_digest IS NOT NULL, event_id: o.event_id,
                closed_body: closed_body, closed_at: closed_at}) AS rows
"""

# Which reports an open alert saved before alerts kept them cites (`cited_digest`), kept when a
# detection finds what it already cites (its evidence digest unchanged since).
KEEP_CITED_DIGEST = """
MATCH (o:Alert {open_fingerprint: $fingerprint})
WHERE o.evidence_digest = $evidence AND o.cited_digest IS NULL
SET o.cited_digest = $cited
"""

# The digest of an open alert's evidence and subjects (lifecycle.evidence_digest), kept when a
# detection finds what the version it read holds (one saved before digests named subjects).
KEEP_EVIDENCE_DIGEST = """
MATCH (o:Alert {open_fingerprint: $fingerprint})
WHERE o.event_id = $event_id
SET o.evidence_digest = $digest
"""

# Which reports the open alert of each fingerprint cites (`cited_digest`, written with its body:
# shared/candidate.py), null when none is open or it was saved before the digest was kept; a
# detector's memory is used only while it matches (shared/remembered.py).
OPEN_ALERT_CITES = """
UNWIND $ids AS for_id
OPTIONAL MATCH (o:Alert {open_fingerprint: for_id})
RETURN collect({for_id: for_id, cited: o.cited_digest}) AS rows
"""

# The explaining subgraph and who may see each cited report, in one statement for every alert a
# batch's detections save (`batched_reads.py`: each request its entity_ids and report_ids): the
# subgraph's nodes named as the latest cited report (never a retracted one) names each entity,
# else by its kind; its links only what the cited reports state; `visibility` the audiences of
# each cited report found, in the order of the request's report_ids. The names are read from
# each cited report's own mentions, once a report, not once for every entity and report, and
# each entity's latest picked by grouping them with the entity (looking each entity up in the
# list of names instead took 3.4 of the 4 s a shared-hotspot alert citing 2,608 reports spent
# here at a million reports: bench/RESULTS.md). For an alert updated (request.alert_id),
# `cited_before` lists who may see each report it cited before and cites no longer (CITES stay):
# GET /v1/alerts shows an alert only to those who may see every report it ever cited, and so do
# the alert's events on every other channel.
EXPLAIN_SUBGRAPH = """
UNWIND $requests AS request
CALL (request) {
  CALL (request) {
    UNWIND request.report_ids AS report_id
    MATCH (r:Report {id: report_id})-[m:MENTIONS]->(n:Entity)
    WHERE n.id IN request.entity_ids AND NOT coalesce(r.retracted, false) AND m.name IS NOT NULL
    RETURN n, m.name AS name, r.observed_at AS at, r.id AS by
    UNION ALL
    UNWIND request.entity_ids AS entity_id
    MATCH (n:Entity {id: entity_id})
    RETURN n, null AS name, null AS at, null AS by
  }
  WITH n, name ORDER BY at DESC, by DESC
  WITH n, head(collect(name)) AS name
  ORDER BY n.id
  RETURN collect({id: n.id, kind: n.kind, label: coalesce(name, n.kind)}) AS nodes
}
CALL (request) {
  MATCH (a:Entity)-[l]->(b:Entity)
  WHERE a.id IN request.entity_ids AND b.id IN request.entity_ids
  WITH a, b, l, [x IN l.report_ids WHERE x IN request.report_ids] AS cited
  WHERE size(cited) > 0
  WITH a, b, l, cited ORDER BY a.id, b.id, type(l)
  RETURN collect({source: a.id, target: b.id, type: type(l), report_ids: cited}) AS edges
}
CALL (request) {
  UNWIND range(0, size(request.report_ids) - 1) AS i
  MATCH (r:Report {id: request.report_ids[i]})
  WITH i, r ORDER BY i
  RETURN collect(coalesce(r.audiences, ['all'])) AS visibility
}
CALL (request) {
  MATCH (:Alert {id: request.alert_id})-[:CITES]->(r:Report)
  WHERE NOT r.id IN request.report_ids
  RETURN collect(coalesce(r.audiences, ['all'])) AS cited_before
}
RETURN collect({for_id: request.for_id, nodes: nodes, edges: edges, visibility: visibility,
                cited_before: cited_before}) AS rows
"""

# What an update that adds to an alert or drops from it changes of its explaining subgraph, read
# as EXPLAIN_SUBGRAPH reads it but only where the changes can change it (each request: the
# alert's entity_ids and report_ids, `added` the reports its last version did not cite, `dropped`
# those it cited and cites no longer, `new_ids` the entities it did not name): `nodes`, the new
# entities and those the added or dropped reports mention, named as the latest cited report (not
# retracted) names each; `edges`, every link among the entities the added or dropped reports
# mention and every link of a new entity to one of the alert's (a link's reports mention both its
# ends, so no other link gains or loses a cited report); `added_visibility`, the audiences of each
# added report found, in the order of `added`, and `dropped_visibility` of each dropped one. And
# what tells the caller whether the rest of the last version still holds (store.py `_changed`):
# how many cited reports are found (a report is never cited before it exists, so all found now
# were found for the last version too) and how many are retracted; how many added reports the
# alert cited before (none: the reports it cited before and cites no longer are those of the
# last version and the dropped ones); and `unexplained`, how many entities the alert no longer
# names that no dropped report mentions, and new ones a report it cited already mentions: an
# analyst's `same` or `different` moved mentions between people (queries of the network service),
# which changes links and names of entities no added or dropped report mentions.
EXPLAIN_ADDED = """
UNWIND $requests AS request
CALL (request) {
  UNWIND request.report_ids AS report_id
  MATCH (r:Report {id: report_id})
  RETURN collect(r) AS cited, count(r) AS found,
         count(CASE WHEN coalesce(r.retracted, false) THEN 1 END) AS retracted
}
CALL (request) {
  UNWIND request.added + request.dropped AS report_id
  MATCH (:Report {id: report_id})-[:MENTIONS]->(n:Entity)
  WHERE n.id IN request.entity_ids
  RETURN collect(DISTINCT n) AS touched
}
CALL (request, touched) {
  OPTIONAL MATCH (n:Entity)
  WHERE n.id IN request.new_ids
  WITH touched, collect(n) AS new
  RETURN touched + [x IN new WHERE NOT x IN touched] AS relabelled
}
CALL (request, cited, relabelled) {
  UNWIND relabelled AS n
  CALL (request, n, cited) {
    // from the entity's mentions when it has fewer than the alert cites reports, else from them
    WITH request, n WHERE COUNT { (n)<-[:MENTIONS]-() } <= size(cited)
    MATCH (n)<-[m:MENTIONS]-(r:Report)
    WHERE r.id IN request.report_ids AND NOT coalesce(r.retracted, false)
      AND m.name IS NOT NULL
    RETURN m.name AS name, r.observed_at AS at, r.id AS by
    UNION ALL
    WITH n, cited WHERE COUNT { (n)<-[:MENTIONS]-() } > size(cited)
    UNWIND cited AS r
    MATCH (r)-[m:MENTIONS]->(n)
    WHERE NOT coalesce(r.retracted, false) AND m.name IS NOT NULL
    RETURN m.name AS name, r.observed_at AS at, r.id AS by
    UNION ALL
    RETURN null AS name, null AS at, null AS by  // named by its kind when no report names it
  }
  WITH n, name ORDER BY at DESC, by DESC
  WITH n, head(collect(name)) AS name
  RETURN collect({id: n.id, kind: n.kind, label: coalesce(name, n.kind)}) AS nodes
}
CALL (request, touched) {
  CALL (request, touched) {
    UNWIND touched AS a
    UNWIND touched AS b
    MATCH (a)-[l]->(b)
    RETURN l
    UNION
    UNWIND request.new_ids AS new_id
    MATCH (:Entity {id: new_id})-[l]-(other:Entity)
    WHERE other.id IN request.entity_ids
    RETURN l
  }
  WITH DISTINCT l
  WITH startNode(l) AS a, endNode(l) AS b, l,
       [x IN l.report_ids WHERE x IN request.report_ids] AS cited
  WHERE size(cited) > 0
  RETURN collect({source: a.id, target: b.id, type: type(l), report_ids: cited}) AS edges
}
CALL (request) {
  UNWIND range(0, size(request.added) - 1) AS i
  MATCH (r:Report {id: request.added[i]})
  WITH i, r ORDER BY i
  RETURN collect(coalesce(r.audiences, ['all'])) AS added_visibility
}
CALL (request) {
  MATCH (a:Alert {id: request.alert_id})
  UNWIND request.added AS report_id
  MATCH (a)-[:CITES]->(r:Report {id: report_id})
  RETURN count(r) AS recited
}
CALL (request) {
  UNWIND request.dropped AS report_id
  MATCH (r:Report {id: report_id})
  RETURN collect(coalesce(r.audiences, ['all'])) AS dropped_visibility
}
CALL (request) {
  UNWIND request.gone_ids AS gone_id
  MATCH (g:Entity {id: gone_id})
  WHERE NOT EXISTS {
    UNWIND request.dropped AS report_id
    MATCH (:Report {id: report_id})-[:MENTIONS]->(g)
  }
  RETURN count(g) AS gone_otherwise
}
CALL (request) {
  UNWIND request.new_ids AS new_id
  MATCH (n:Entity {id: new_id})
  WHERE EXISTS {
    MATCH (n)<-[:MENTIONS]-(r:Report)
    WHERE r.id IN request.report_ids AND NOT r.id IN request.added
  }
  RETURN count(n) AS new_named_before
}
RETURN collect({for_id: request.for_id, found: found, retracted: retracted, nodes: nodes,
                edges: edges, added_visibility: added_visibility,
                dropped_visibility: dropped_visibility, recited: recited,
                unexplained: gone_otherwise + new_named_before}) AS rows
"""

# One open alert per fingerprint, whatever runs at the same time: a new alert takes its
# fingerprint's open place (open_fingerprint, unique) with MERGE, which waits for a writer taking
# it at the same moment and then finds that writer's alert; that is not this alert, so nothing is
# written (AlertChanged: record_alert reads the open alert and updates it instead). A change to an
# alert finds it by id; closing it gives the place up.
# Optimistic: the change is saved only over the version it was made from (`replaces`, null for a
# new alert), or again over itself (a retried write). Otherwise nothing is written.
# The saves of a batch's alerts go in one statement (`batched_reads.py`: each request one save,
# named by its event id in `for_id`); `rows` names the saves written. They are made in the order
# of their fingerprints, so two statements saving the same alerts take their locks in one order.
SAVE_ALERTS = """
UNWIND $requests AS save
WITH save ORDER BY save.alert.fingerprint, save.for_id
CALL (save) {
  CALL (save) {
    WITH save
    WHERE save.replaces IS NULL AND save.alert.status <> 'closed'
    MERGE (a:Alert {open_fingerprint: save.alert.fingerprint})
    ON CREATE SET a.id = save.alert.alert_id
    RETURN a
    UNION
    WITH save
    WHERE save.replaces IS NOT NULL OR save.alert.status = 'closed'
    MERGE (a:Alert {id: save.alert.alert_id})
    RETURN a
  }
  WITH save, a
  WHERE a.id = save.alert.alert_id
    AND (a.event_id IS NULL AND save.replaces IS NULL
         OR a.event_id = save.replaces OR a.event_id = save.alert.event_id)
  SET a.event_id = save.alert.event_id,
      a.fingerprint = save.alert.fingerprint,
      a.type = save.alert.type,
      a.status = save.alert.status,
      a.priority = save.alert.priority,
      a.raised_at = datetime(save.alert.raised_at),
      a.updated_at = datetime(save.alert.updated_at),
      a.body = save.body,
      a.evidence_digest = save.evidence_digest,
      a.cited_digest = save.cited_digest,
      a.assignee = save.alert.assignee,
      a.closed_by_decision = save.alert.closed_by_decision,
      a.closed_at = CASE WHEN save.alert.status = 'closed'
                         THEN coalesce(a.closed_at, datetime(save.alert.updated_at)) END,
      a.open_fingerprint = CASE WHEN save.alert.status = 'closed' THEN null
                                ELSE a.open_fingerprint END
  // Each change (this event) waits in the outbox of the topic it goes to, with its body, until
  // Kafka acknowledged it (outbox.py); only when first saved, so a retried write of a change
  // already published does not publish it again.
  MERGE (h:AlertHistory {event_id: save.alert.event_id})
  ON CREATE SET h.alert_id = save.alert.alert_id, h.at = datetime(save.history.at),
                h.by = save.history.by, h.action = save.history.action,
                h.status = save.history.status, h.note = save.history.note,
                h.outbox = $outbox, h.body = CASE WHEN $outbox IS NULL THEN null ELSE save.body END
  MERGE (a)-[:HAS_HISTORY]->(h)
  WITH save, a
  CALL (save, a) {
    OPTIONAL MATCH (e:Entity {id: save.anchor_id})
    FOREACH (_ IN CASE WHEN e IS NULL THEN [] ELSE [1] END | MERGE (a)-[:ABOUT]->(e))
  }
  CALL (save, a) {
    UNWIND save.report_ids AS report_id
    MATCH (r:Report {id: report_id})
    MERGE (a)-[:CITES]->(r)
  }
  RETURN save.for_id AS for_id
}
RETURN collect({for_id: for_id}) AS rows
"""

# The alert changes saved that Kafka has not acknowledged yet, every one, oldest first (one
# alert's changes in the order they were made); none of an alert since deleted.
UNPUBLISHED_ALERTS = """
MATCH (h:AlertHistory)
WHERE h.outbox = $outbox
MATCH (:Alert)-[:HAS_HISTORY]->(h)
RETURN h.body AS body
ORDER BY h.at, h.event_id
LIMIT $limit
"""

# Changes out of the outbox, once Kafka acknowledged them.
MARK_ALERTS_PUBLISHED = """
UNWIND $event_ids AS event_id
MATCH (h:AlertHistory {event_id: event_id})
REMOVE h.outbox, h.body
"""

# Changes Kafka will never take as they are (outbox.py): out of the outbox, kept whole with the
# reason and the outbox they left, until queued again by hand (`tessera outbox retry`).
SET_ASIDE_ALERT_CHANGES = """
UNWIND $changes AS change
MATCH (h:AlertHistory {event_id: change.event_id})
WHERE h.outbox IS NOT NULL
SET h.set_aside_reason = change.reason, h.set_aside_at = datetime(), h.set_aside_from = h.outbox
REMOVE h.outbox
"""

# The changes set aside from an outbox, oldest first, with the alert each belongs to and whether
# a later change of that alert has left the outbox since (it is then superseded: the alert's
# latest already went out).
SET_ASIDE_CHANGES = """
MATCH (a:Alert)-[:HAS_HISTORY]->(h:AlertHistory)
WHERE h.set_aside_from = $outbox
RETURN h.event_id AS event_id, h.alert_id AS alert_id, a.type AS type, h.action AS action,
       toString(h.at) AS at, toString(h.set_aside_at) AS set_aside_at,
       h.set_aside_reason AS reason, size(h.body) AS body_chars,
       EXISTS { MATCH (a)-[:HAS_HISTORY]->(later:AlertHistory)
                WHERE later.at > h.at AND later.outbox IS NULL
                  AND later.set_aside_from IS NULL } AS superseded
ORDER BY h.at, h.event_id
"""

# Set-aside changes back into the outbox they left, so the next drain publishes them in order;
# not one a later change of its alert has left the outbox since (superseded, as listed above).
# Run under the outbox's lease, so no drain publishes a later change meanwhile.
REQUEUE_SET_ASIDE_CHANGES = """
UNWIND $event_ids AS event_id
MATCH (a:Alert)-[:HAS_HISTORY]->(h:AlertHistory {event_id: event_id})
WHERE h.set_aside_from IS NOT NULL
  AND NOT EXISTS { MATCH (a)-[:HAS_HISTORY]->(later:AlertHistory)
                   WHERE later.at > h.at AND later.outbox IS NULL
                     AND later.set_aside_from IS NULL }
SET h.outbox = h.set_aside_from
REMOVE h.set_aside_from, h.set_aside_reason, h.set_aside_at
RETURN count(h) AS queued
"""

# The outbox's lease: several alert workers drain one outbox, one at a time, so each change is
# published once and in order. Taken when free, expired or already this worker's, for $lease_ms
# from now (the database's clock, the same for every worker). The write lock is taken before the
# lease is read, so two workers taking it at once queue and the second reads what the first wrote.
TAKE_OUTBOX_LEASE = """
MERGE (l:AlertOutboxLease {outbox: $outbox})
SET l.taking = true
REMOVE l.taking
WITH l
WHERE l.owner IS NULL OR l.owner = $owner OR l.until < datetime()
SET l.owner = $owner, l.until = datetime() + duration({milliseconds: $lease_ms})
RETURN l.owner AS owner
"""

GIVE_BACK_OUTBOX_LEASE = """
MATCH (l:AlertOutboxLease {outbox: $outbox})
SET l.taking = true
REMOVE l.taking
WITH l
WHERE l.owner = $owner
REMOVE l.owner, l.until
"""

# What decides which detectors can apply to an entity, in one read: a detector whose
# precondition fails (no missing episode, not an order's subject, not a drugs house) is skipped.
# It only picks what runs: each detector reads the fact again with the reports that state it.
# `young`: a report that is not retracted calls the person a young person, as the person keeps it
# (`young_reports`, kept as reports are linked, merged and retracted: services/network/linking/
# queries.py MERGE_PERSONS, services/network/queries.py REFRESH_PERSONS); no other entity keeps
# it. Read, not worked out: looking for such a mention read every mention of a place or an adult
# that has none (thousands at a county-wide place).
ENTITY_PROFILE = """
UNWIND $ids AS for_id
MATCH (e:Entity {id: for_id})
WITH for_id, e.kind AS kind,
       coalesce(e.drugs_house, false) AS drugs_house,
       coalesce(e.vulnerable_tenant, false) OR coalesce(e.cuckooing_suspected, false)
         OR EXISTS { (e)<-[:TENANT_OF]-(:Person {role: 'vulnerable_adult'}) } AS vulnerable_tenant,
       EXISTS { (e)-[:WENT_MISSING]->() } AS went_missing,
       EXISTS { (e)-[:DEPARTED]->() } AS departed,
       EXISTS { (e)-[:SUBJECT_OF]->() } AS order_subject,
       EXISTS { (e)<-[:FOUND_WITH_PERSON]-() } OR EXISTS { (e)-[:TENANT_OF]->() } AS harbourer,
       size(coalesce(e.young_reports, [])) > 0 AS young
RETURN collect({for_id: for_id, kind: kind, drugs_house: drugs_house,
                vulnerable_tenant: vulnerable_tenant, went_missing: went_missing,
                departed: departed, order_subject: order_subject, harbourer: harbourer,
                young: young}) AS rows
"""

# Alerts still open that cite a report, each once with the entities it is about (to detect
# again: several entities can find one pattern).
OPEN_ALERTS_CITING = """
MATCH (a:Alert)-[:CITES]->(:Report {id: $report_id})
WHERE a.status <> 'closed'
OPTIONAL MATCH (a)-[:ABOUT]->(e:Entity)
WITH a, e ORDER BY e.id
RETURN a.body AS body, collect(e.id) AS anchor_ids
"""

# The alerts that cite a report naming one of these people, or the person they were merged into,
# each with the entities it is about: those open, which an analyst's decision about them can
# change (an alert names a person only from a report it cites), and those a decision closed, which
# another can bring back.
ALERTS_NAMING = """
UNWIND $person_ids AS person_id
MATCH (:Person {id: person_id})-[:MERGED_INTO*0..]->(p:Person)
MATCH (p)<-[:MENTIONS]-(:Report)<-[:CITES]-(a:Alert)
WHERE a.status <> 'closed' OR a.closed_by_decision IS NOT NULL
WITH DISTINCT a
MATCH (a)-[:ABOUT]->(e:Entity)
WITH a, e ORDER BY e.id
RETURN a.fingerprint AS fingerprint, collect(e.id) AS anchor_ids, a.status <> 'closed' AS open
ORDER BY fingerprint, open
"""

# An alert is shown only to those who may see every report it cites (handling code C). Its areas:
# the local authorities and police force areas its cited reports (not retracted) give for the
# places they mention. $subject is looked for in its subjects (their names and ids), $text in its
# summary and subjects, its areas and its id: the body's JSON from "summary" up to "evidence"
# (AlertRaised's field order, pinned by a unit test). Both are given in lower case.
LIST_ALERTS = """
MATCH (a:Alert)
WHERE ($statuses IS NULL OR a.status IN $statuses) AND ($type IS NULL OR a.type = $type)
  AND ($priority IS NULL OR a.priority = $priority)
  AND ($assignee IS NULL OR a.assignee = $assignee)
  AND ($raised_from IS NULL OR a.raised_at >= datetime($raised_from))
  AND ($raised_to IS NULL OR a.raised_at < datetime($raised_to))
  AND all(r IN [(a)-[:CITES]->(cited:Report) | cited]
          WHERE any(x IN coalesce(r.audiences, ['all']) WHERE x IN $audiences))
WITH a, COLLECT {
  MATCH (a)-[:CITES]->(r:Report)-[m:MENTIONS]->(:Location)
  WHERE NOT coalesce(r.retracted, false)
  UNWIND [m.police_force_area, m.local_authority] AS area
  WITH area WHERE area IS NOT NULL
  RETURN DISTINCT area ORDER BY area
} AS areas
WHERE ($area IS NULL OR any(x IN areas WHERE toLower(x) CONTAINS $area))
  AND ($subject IS NULL OR toLower(split(split(a.body, '"subjects":')[1], ',"evidence":')[0])
                           CONTAINS $subject)
  AND ($text IS NULL OR a.id = $text OR any(x IN areas WHERE toLower(x) CONTAINS $text)
       OR toLower(split(split(a.body, '"summary":')[1], ',"evidence":')[0]) CONTAINS $text)
RETURN a.body AS body, areas
ORDER BY CASE WHEN $sort = 'priority'
              THEN CASE a.priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 ELSE 2 END END,
         CASE WHEN $sort = 'oldest' THEN a.raised_at END,
         CASE WHEN $sort = 'raised' THEN a.raised_at END DESC,
         a.updated_at DESC, a.id
SKIP $offset LIMIT $limit
"""

# The same conditions as LIST_ALERTS.
COUNT_ALERTS = """
MATCH (a:Alert)
WHERE ($statuses IS NULL OR a.status IN $statuses) AND ($type IS NULL OR a.type = $type)
  AND ($priority IS NULL OR a.priority = $priority)
  AND ($assignee IS NULL OR a.assignee = $assignee)
  AND ($raised_from IS NULL OR a.raised_at >= datetime($raised_from))
  AND ($raised_to IS NULL OR a.raised_at < datetime($raised_to))
  AND all(r IN [(a)-[:CITES]->(cited:Report) | cited]
          WHERE any(x IN coalesce(r.audiences, ['all']) WHERE x IN $audiences))
WITH a, COLLECT {
  MATCH (a)-[:CITES]->(r:Report)-[m:MENTIONS]->(:Location)
  WHERE NOT coalesce(r.retracted, false)
  UNWIND [m.police_force_area, m.local_authority] AS area
  WITH area WHERE area IS NOT NULL
  RETURN DISTINCT area
} AS areas
WHERE ($area IS NULL OR any(x IN areas WHERE toLower(x) CONTAINS $area))
  AND ($subject IS NULL OR toLower(split(split(a.body, '"subjects":')[1], ',"evidence":')[0])
                           CONTAINS $subject)
  AND ($text IS NULL OR a.id = $text OR any(x IN areas WHERE toLower(x) CONTAINS $text)
       OR toLower(split(split(a.body, '"summary":')[1], ',"evidence":')[0]) CONTAINS $text)
RETURN count(a) AS total
"""

# ---- what the place patterns share (services/alerts/shared_reads.py): what a place is

# What an entity is, and for a place how the place patterns take it: its category as the reports
# that are not retracted give it (the earliest that is not 'other') and its drugs-house status,
# each with the reports that give it. Read once for every detector of the entity (P01 and P02
# read it alike). A place with more than `$busy` mentions (a county-wide place has 12,000) is not
# read report by report: its earliest report giving a category is the earliest of those the
# place keeps for each audience (`said_first_category`, kept as reports are linked and retracted:
# services/network/linking/queries.py MERGE_LOCATIONS, REFRESH_PLACES), and `complete` is false:
# which other reports give the category is asked for the reports an alert would cite
# (CATEGORY_GIVEN_BY).
GET_STANDING = """
UNWIND $ids AS for_id
MATCH (e:Entity {id: for_id})
WITH for_id, e, e:Location AND COUNT { (e)<-[:MENTIONS]-() } > $busy AS busy
CALL (e, busy) {
  MATCH (r:Report)-[m:MENTIONS]->(e)
  WHERE e:Location AND NOT busy AND NOT coalesce(r.retracted, false)
    AND coalesce(m.category, 'other') <> 'other'
  WITH r, m ORDER BY r.observed_at, r.id
  RETURN collect({id: r.id, observed_at: toString(r.observed_at), category: m.category}) AS said
}
WITH for_id, e, busy, said,
     CASE WHEN busy
          THEN reduce(first = null, x IN coalesce(e.said_first_category, [])
                      | CASE WHEN first IS NULL OR left(x, 58) < first THEN left(x, 58)
                             ELSE first END) END
       AS first_said
WITH for_id, e, busy,
     CASE WHEN busy
          THEN COLLECT { MATCH (r:Report {id: substring(first_said, 22)})-[m:MENTIONS]->(e)
                         WHERE coalesce(m.category, 'other') <> 'other'
                         RETURN {id: r.id, observed_at: toString(r.observed_at),
                                 category: m.category} LIMIT 1 }
          ELSE said END AS said
WITH for_id, e, busy, said,
     CASE WHEN e:Location THEN coalesce(head(said).category, 'other') END AS category
WITH for_id, e.id AS id, e.kind AS kind, category, NOT busy AS complete,
       [x IN said WHERE x.category = category | {id: x.id, observed_at: x.observed_at}]
         AS category_reports,
       COLLECT { MATCH (d:Report)
                 WHERE d.id IN coalesce(e.drugs_house_reports, [])
                   AND NOT coalesce(d.retracted, false)
                 RETURN {id: d.id, observed_at: toString(d.observed_at)} } AS drugs_house_reports
RETURN collect({for_id: for_id, id: id, kind: kind, category: category, complete: complete,
                category_reports: category_reports,
                drugs_house_reports: drugs_house_reports}) AS rows
"""

# Of the reports each request names, those (not retracted) that give the place the category:
# for a place GET_STANDING read only the earliest of (`complete` false).
CATEGORY_GIVEN_BY = """
UNWIND $requests AS request
CALL (request) {
  MATCH (l:Location {id: request.for_id})
  UNWIND request.report_ids AS report_id
  MATCH (r:Report {id: report_id})-[m:MENTIONS]->(l)
  USING INDEX r:Report(id)
  WHERE NOT coalesce(r.retracted, false) AND m.category = request.category
  RETURN collect(DISTINCT {id: r.id, observed_at: toString(r.observed_at)}) AS given
}
RETURN collect({for_id: request.for_id, given: given}) AS rows
"""

# ---- what the missing-episode patterns share (services/alerts/shared_reads.py): the child, their
# episodes and where they were found or seen

# The person, what each report that is not retracted says of them (an alert names them, and
# takes their age and needs, only from the reports it cites, or cites the report it relies on),
# whether any such report calls them a young person, and their known areas (home, placement,
# school, places they go), each with the reports that state it: the report that gives the home
# authority, or the report that links them to the place with, unless it gives the place's areas
# itself, the earliest that does. Nothing only a retracted report says counts. A place's areas
# and the earliest report giving them are kept on the place as reports are linked and retracted
# (services/network/linking/queries.py MERGE_LOCATIONS), so they are read, not worked out, here.
GET_PERSON = """
UNWIND $ids AS for_id
MATCH (p:Person {id: for_id})
CALL (p) {
  OPTIONAL MATCH (r:Report)-[m:MENTIONS]->(p)
  WHERE NOT coalesce(r.retracted, false)
  RETURN collect(CASE WHEN r IS NULL THEN null
                 ELSE {id: r.id, observed_at: toString(r.observed_at), name: m.name,
                       age: m.age, young: coalesce(m.young_person, false),
                       needs: coalesce(m.learning_disability, false)
                              OR coalesce(m.additional_needs, false)} END) AS said,
         any(y IN collect(m.young_person) WHERE y) AS young
}
CALL (p) {
  MATCH (h:Report)-[mh:MENTIONS]->(p)
  WHERE NOT coalesce(h.retracted, false) AND mh.home_local_authority IS NOT NULL
  RETURN collect({areas: [mh.home_local_authority],
                  reports: [{id: h.id, observed_at: toString(h.observed_at)}]}) AS homes
}
CALL (p) {
  MATCH (p)-[k:PLACED_AT|ATTENDS|FREQUENTS]->(l:Location)
  WHERE l.area_first_report IS NOT NULL
  UNWIND coalesce(k.report_ids, []) AS report_id
  MATCH (r:Report {id: report_id})
  WHERE NOT coalesce(r.retracted, false)
  RETURN collect({areas: l.areas,
                  reports: [{id: r.id, observed_at: toString(r.observed_at)}]
                           + CASE WHEN EXISTS {
                                    MATCH (r)-[g:MENTIONS]->(l)
                                    WHERE g.local_authority IS NOT NULL
                                       OR g.police_force_area IS NOT NULL
                                  } THEN []
                                  ELSE [{id: l.area_first_report,
                                         observed_at: toString(l.area_first_at)}] END})
    AS places
}
WITH for_id, p.id AS id, said, young, homes + places AS known
RETURN collect({for_id: for_id, id: id, said: said, young: young, known: known}) AS rows
"""

# Each episode with where it ended and with whom, as the report that ended it says (the tenants
# of where the child was found with the reports that say so); retracted reports are left out.
EPISODES_OF = """
UNWIND $ids AS for_id
MATCH (p:Person {id: for_id})-[:WENT_MISSING]->(e:MissingEpisode)
WHERE coalesce(e.started_at, e.ended_at) >= datetime($since)
OPTIONAL MATCH (e)-[:FOUND_AT]->(l:Location)
OPTIONAL MATCH (opened:Report {id: e.reported_by})
OPTIONAL MATCH (closed:Report {id: e.ended_by})
WITH for_id, p, e, l, opened, closed
WHERE NOT coalesce(opened.retracted, false) AND NOT coalesce(closed.retracted, false)
CALL (e, closed) {
  OPTIONAL MATCH (e)-[:FOUND_WITH_PERSON]->(c:Person)
  OPTIONAL MATCH (closed)-[cm:MENTIONS]->(c)
  RETURN collect(DISTINCT CASE WHEN c IS NULL THEN null
                 ELSE {id: c.id, name: cm.name, adult: NOT coalesce(cm.young_person, false),
                       tenant: false,
                       reports: [{id: closed.id, observed_at: toString(closed.observed_at)}]} END)
         AS companions
}
CALL (l) {
  MATCH (t:Person)-[tl:TENANT_OF]->(l)
  MATCH (r:Report)-[m:MENTIONS]->(t)
  WHERE r.id IN tl.report_ids AND NOT coalesce(r.retracted, false)
  WITH t, r, m ORDER BY r.observed_at DESC, r.id DESC
  WITH t, collect(m.name)[0] AS name,
       collect(DISTINCT {id: r.id, observed_at: toString(r.observed_at)}) AS reports
  RETURN collect({id: t.id, name: name, adult: true, tenant: true, reports: reports}) AS tenants
}
CALL (closed, l) {
  OPTIONAL MATCH (closed)-[ml:MENTIONS]->(l)
  RETURN collect(ml)[0] AS ml
}
WITH for_id, e.id AS id, toString(e.started_at) AS started_at,
       toString(e.ended_at) AS ended_at,
       coalesce(e.items, []) AS items, e.circumstances AS circumstances,
       coalesce(e.condition, []) AS condition,
       opened.id AS opened_id, toString(opened.observed_at) AS opened_at,
       closed.id AS closed_id, toString(closed.observed_at) AS closed_at,
       l.id AS place_id, ml.name AS place_name, ml.local_authority AS local_authority,
       ml.police_force_area AS police_force_area, companions + tenants AS companions
ORDER BY coalesce(e.started_at, e.ended_at)
RETURN collect({for_id: for_id, id: id, started_at: started_at, ended_at: ended_at,
                items: items, circumstances: circumstances, condition: condition,
                opened_id: opened_id, opened_at: opened_at, closed_id: closed_id,
                closed_at: closed_at, place_id: place_id, place_name: place_name,
                local_authority: local_authority, police_force_area: police_force_area,
                companions: companions}) AS rows
"""

# Where the child was found or seen, by each report, with what and whom around them. The place
# is named as that report names it, in the areas it gives (else those of the latest report that
# gives any, kept on the place as reports are linked and retracted: `area_reports`), and its
# drugs-house status comes with the reports that give it.
WHEREABOUTS = """
UNWIND $ids AS for_id
MATCH (p:Person {id: for_id})-[s:SEEN_AT]->(l:Location)
WHERE s.last_seen >= datetime($since)
UNWIND s.report_ids AS report_id
MATCH (r:Report {id: report_id})-[:MENTIONS]->(p)
USING INDEX r:Report(id)
WHERE r.observed_at >= datetime($since)
CALL (r, p) {
  OPTIONAL MATCH (r)-[am:MENTIONS]->(a:Person)
  WHERE a <> p AND NOT coalesce(am.young_person, false)
    AND am.part IN ['present', 'found_with', 'seen', 'approacher']
  RETURN collect(DISTINCT am.name) AS adults
}
CALL (r, p) {
  OPTIONAL MATCH (p)-[:WENT_MISSING]->(e:MissingEpisode)
  WHERE e.ended_by = r.id
  RETURN collect(e.circumstances)[0] AS circumstances
}
CALL (r, l) {
  OPTIONAL MATCH (r)-[own:MENTIONS]->(l)
  WHERE NOT coalesce(r.retracted, false)
    AND (own.local_authority IS NOT NULL OR own.police_force_area IS NOT NULL)
  WITH own LIMIT 1
  RETURN CASE WHEN own IS NULL THEN l.area_latest_la ELSE own.local_authority END
           AS local_authority,
         CASE WHEN own IS NULL THEN l.area_latest_pfa ELSE own.police_force_area END
           AS police_force_area,
         CASE WHEN own IS NOT NULL THEN [{id: r.id, observed_at: toString(r.observed_at)}]
              WHEN l.area_latest_report IS NULL THEN []
              ELSE [{id: l.area_latest_report, observed_at: toString(l.area_latest_at)}] END
           AS area_reports
}
WITH DISTINCT for_id, l.id AS place_id,
       head([(r)-[ml:MENTIONS]->(l) | ml.name]) AS place_name,
       local_authority, police_force_area, area_reports,
       COLLECT { MATCH (d:Report)
                 WHERE d.id IN coalesce(l.drugs_house_reports, [])
                   AND NOT coalesce(d.retracted, false)
                 RETURN {id: d.id, observed_at: toString(d.observed_at)} } AS drugs_house_reports,
       r.id AS report_id, toString(r.observed_at) AS observed_at, r.type AS report_type,
       coalesce(r.items, []) AS items, adults, circumstances
RETURN collect({for_id: for_id, place_id: place_id, place_name: place_name,
                local_authority: local_authority, police_force_area: police_force_area,
                area_reports: area_reports, drugs_house_reports: drugs_house_reports,
                report_id: report_id, observed_at: observed_at, report_type: report_type,
                items: items, adults: adults, circumstances: circumstances}) AS rows
"""

# ---- lifecycle

# The same rule as LIST_ALERTS: an alert is seen only by those who may see every report it cites.
GET_ALERT = """
MATCH (a:Alert {id: $alert_id})
WHERE all(r IN [(a)-[:CITES]->(cited:Report) | cited]
          WHERE any(x IN coalesce(r.audiences, ['all']) WHERE x IN $audiences))
RETURN a.body AS body
"""

# The police force areas that the alert's cited reports (not retracted) give for where its
# subjects are: a place it is about, or the placement or address a cited report says a person
# it is about lives at (README "Who may change an alert").
HOME_FORCES = """
OPTIONAL MATCH (r:Report)
WHERE r.id IN $report_ids AND NOT coalesce(r.retracted, false)
WITH collect(r.id) AS cited
MATCH (s:Entity)
WHERE s.id IN $subject_ids
OPTIONAL MATCH (s)-[lives:PLACED_AT|TENANT_OF]->(home:Location)
WHERE any(x IN lives.report_ids WHERE x IN cited)
WITH cited, collect(DISTINCT home) + collect(DISTINCT CASE WHEN s:Location THEN s END) AS places
UNWIND places AS place
MATCH (r:Report)-[m:MENTIONS]->(place)
USING INDEX r:Report(id)
WHERE r.id IN cited AND m.police_force_area IS NOT NULL
RETURN collect(DISTINCT m.police_force_area) AS forces
"""

GET_ALERT_HISTORY = """
MATCH (:Alert {id: $alert_id})-[:HAS_HISTORY]->(h:AlertHistory)
RETURN toString(h.at) AS at, h.by AS by, h.action AS action, h.status AS status,
       h.note AS note
ORDER BY h.at, h.event_id
"""

# ---- evidence: what the cited reports say

# Each cited report's 3x5x2 grading as police write it (`2B P`), for the alert's evidence; read
# for many reports at once (`batched_reads.py`: a row names its report in `for_id`).
REPORT_GRADINGS = """
UNWIND $ids AS for_id
MATCH (r:Report {id: for_id})
WITH for_id, coalesce(r.grading, toString(r.source_evaluation) + r.intelligence_assessment
                                 + ' ' + r.handling_code) AS grading
RETURN collect({for_id: for_id, grading: grading}) AS rows
"""

# What each cited report said, only of the reports one of the reader's $audiences may see (the
# rule GET_ALERT applies to the whole alert, here to each report): a report outside them is not
# returned at all, not even its id. A retracted report says nothing any more but that it was.
CITED_REPORTS = """
UNWIND $report_ids AS report_id
MATCH (r:Report {id: report_id})
WHERE any(x IN coalesce(r.audiences, ['all']) WHERE x IN $audiences)
WITH r, coalesce(r.retracted, false) AS retracted
RETURN r.id AS id, toString(r.observed_at) AS observed_at, r.grading AS grading, retracted,
       CASE WHEN retracted THEN null ELSE r.type END AS event_type,
       CASE WHEN retracted THEN null ELSE r.narrative END AS narrative,
       CASE WHEN retracted THEN [] ELSE [(r)-[m:MENTIONS]->(:Location) | {part: m.part,
                                                                         name: m.name}] END
         AS places
"""
