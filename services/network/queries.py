"""Cypher both network processes run: recording a resolution decision and applying it, the
same statements for the analyst API's decisions, the worker's automatic merges and replay.
Values are always $parameters.

Every entity node also carries the label Entity (ids are unique across kinds: `person:...`,
`location:...`), so links and analyst queries can reach any kind through one index. Labels,
relationship types and shared properties are those schemas/graph.py declares; a link's type comes
from its LinkType enum, never from request text. A statement reads an evidence entry's field at
the position schemas/graph.py gives it, passed as `$evidence` (`evidence_fields()`).
"""

# ---------------------------------------------------------------- decisions (one transaction)
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

# A decision's verdict on its candidate; a `same` links the two by SAME_AS, a `different` removes
# that link. Returns nothing when the candidate is not in the graph (replay skips the decision),
# else when it was decided and the audiences of each person.
REAPPLY_DECISION = """
MATCH (a:Person)-[c:POSSIBLE_SAME_AS {id: $candidate_id}]->(b:Person)
MATCH (d:ResolutionDecision {id: $decision_id})
SET c.status = CASE d.decision WHEN 'same' THEN 'confirmed' ELSE 'rejected' END
WITH a, b, d
CALL (a, b, d) {
  WITH a, b, d WHERE d.decision = 'same'
  MERGE (a)-[s:SAME_AS]->(b)
  SET s.decision_id = d.id, s.count = 1, s.report_ids = [],
      s.first_seen = d.decided_at, s.last_seen = d.decided_at
}
CALL (a, b, d) {
  WITH a, b, d WHERE d.decision = 'different'
  OPTIONAL MATCH (a)-[s:SAME_AS]-(b)
  DELETE s
}
RETURN 1 AS applied, toString(d.decided_at) AS decided_at,
       coalesce(a.audiences, []) AS audiences_a, coalesce(b.audiences, []) AS audiences_b
"""

# A `same`'s link cites the decision, graded 1A, for each audience both people share: those
# who may see both may see that they are one (the entries from decision_writes.same_as_evidence).
SAME_AS_EVIDENCE = """
MATCH (a:Person)-[:POSSIBLE_SAME_AS {id: $candidate_id}]->(b:Person)
MATCH (a)-[s:SAME_AS {decision_id: $decision_id}]->(b)
SET s.evidence = $entries
"""

# ---------------------------------------------------------------- same: one person (one tx)
# An analyst's `same` merges the two: the person_b side's mentions, links and facts move to the
# person_a side (the MOVE_ statements below), so every detector, read and later mention sees one
# person. Each side is the person it was merged into, if it was (a chain of merges). The merged
# person stays, empty, with MERGED_INTO (the decision, and the survivor's matching facts before
# it took the merged one's), so `different` can undo it, and labelled Merged until then: the
# resolver skips it by the label, read with the node (testing each candidate for a MERGED_INTO
# took a quarter of linking's candidate read on a million reports: bench/RESULTS.md). Each
# of these two first writes the decision's plan (moved_from, moved_to, moved_reports), or
# clears it when there is nothing to move (applied again, or already one person).
MERGE_CONFIRMED = """
MATCH (d:ResolutionDecision {id: $decision_id})
SET d.moved_from = null, d.moved_to = null, d.moved_reports = null
WITH d WHERE d.decision = 'same'
MATCH (:Person {id: d.person_a})-[:MERGED_INTO*0..]->(keep:Person)
WHERE NOT (keep)-[:MERGED_INTO]->()
MATCH (:Person {id: d.person_b})-[:MERGED_INTO*0..]->(gone:Person)
WHERE NOT (gone)-[:MERGED_INTO]->() AND gone <> keep
MERGE (gone)-[x:MERGED_INTO]->(keep)
SET gone:Merged, x.decision_id = d.id, x.names = keep.names, x.nicknames = keep.nicknames,
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
REMOVE gone:Merged
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

# What the reports that mention each person and are not retracted say that decides whether an
# alert is raised or how urgent it is, and their earliest report of each audience (to mention
# them, and to give them a known role), worked out again from them (as the linking worker's
# MERGE_PERSONS keeps it): for the people a decision's plan moved reports between ($decision_id),
# or for the people a retraction touched ($ids). The person is locked (written) before their
# reports are read, so a report another worker links meanwhile is never lost between the two.
REFRESH_PERSONS = """
OPTIONAL MATCH (d:ResolutionDecision {id: $decision_id})
UNWIND CASE WHEN d IS NULL THEN $ids ELSE [d.moved_from, d.moved_to] END AS id
MATCH (p:Person {id: id})
SET p.young_reports = []
WITH p
CALL (p) {
  OPTIONAL MATCH (r:Report)-[m:MENTIONS]->(p)
  WHERE NOT coalesce(r.retracted, false)
  RETURN collect(DISTINCT CASE WHEN m.young_person THEN r END) AS young,
         collect(DISTINCT CASE WHEN m.learning_disability OR m.additional_needs THEN r END)
           AS needs,
         collect(DISTINCT CASE WHEN m.age IS NOT NULL THEN {report: r, age: m.age} END) AS aged
}
SET p.young_reports = [x IN young | x.id], p.young_reports_at = [x IN young | x.observed_at],
    p.needs_reports = [x IN needs | x.id], p.needs_reports_at = [x IN needs | x.observed_at],
    p.aged_reports = [x IN aged | x.report.id],
    p.aged_reports_at = [x IN aged | x.report.observed_at],
    p.aged_reports_age = [x IN aged | x.age]
WITH p
CALL (p) {
  OPTIONAL MATCH (a:Report)-[ma:MENTIONS]->(p)
  WHERE NOT coalesce(a.retracted, false)
  WITH ma, coalesce(a.audiences, []) AS audiences,
       right('000000000000' + toString(a.observed_at.epochSeconds), 12)
         + right('000000000' + toString(a.observed_at.nanosecond), 9) + '|' + a.id AS said
  UNWIND audiences AS audience
  WITH audience, min(said) AS first,
       min(CASE WHEN ma.role IS NOT NULL AND ma.role <> 'unknown' THEN said END) AS first_role
  RETURN collect(first + '|' + audience) AS said_first,
         collect(first_role + '|' + audience) AS said_first_role
}
SET p.said_first = said_first, p.said_first_role = said_first_role
"""

# The latest links of each entity but a person (schemas/graph.py LATEST_LINKS_KEPT), kept up to
# date with its links to some entities: for the rows `{id, others: [entity ids]}` (a batch's
# links, by the linking worker; a retraction's entities and what its report mentions), or, for
# the decision $decision_id, for the entities but people the reports its plan moved mention and
# the two people. What the entity keeps of its links to those entities is worked out again from
# those links (each link's latest evidence entry of each audience) and merged with the rest; an
# entry no later than its audience's cutoff is not added. Each audience keeps its $keep latest
# links, and the latest it drops becomes its cutoff (that entry), so every link of it later than
# the cutoff is kept. Each audience's entries are written together, latest first, and where they
# are in the list as its span.
# Entities are taken in id order and locked (written) before what they keep is read, so two
# workers queue and the second reads what the first wrote. One linked before entities kept
# them (latest_links is null) is left to the schema migration.
KEEP_LATEST_LINKS = """
OPTIONAL MATCH (d:ResolutionDecision {id: $decision_id})
WITH d
UNWIND CASE WHEN d IS NULL THEN $rows
            ELSE [(r:Report)-[:MENTIONS]->(x:Entity)
                  WHERE r.id IN d.moved_reports AND NOT x:Person
                  | {id: x.id, others: [d.moved_from, d.moved_to]}]
       END AS row
WITH DISTINCT row ORDER BY row.id
MATCH (n:Entity {id: row.id})
WHERE n.latest_links IS NOT NULL
SET n.keeping = true
REMOVE n.keeping
WITH n, row.others AS others, coalesce(n.latest_links_cutoff, []) AS cutoffs
CALL (n, others) {
  UNWIND others AS other
  MATCH (m:Entity {id: other})
  MATCH (n)-[l]-(m)
  WHERE l.evidence IS NOT NULL
  UNWIND [x IN [e IN l.evidence | split(e, '|')] | x] AS x
  WITH type(l) AS type, other, x[$evidence.audience] AS audience,
       max(x[$evidence.observed]) AS last, collect(DISTINCT elementId(l)) AS links
  RETURN collect(last + '|' + audience + '|' + type + '|' + other + '|'
                 + CASE size(links) WHEN 1 THEN links[0] ELSE '' END) AS linked
}
WITH n, cutoffs, [e IN n.latest_links WHERE NOT split(e, '|')[$latest.other] IN others]
                 + [e IN linked
                    WHERE NOT any(c IN cutoffs
                                  WHERE split(c, '|')[$latest.audience]
                                          = split(e, '|')[$latest.audience]
                                    AND split(c, '|')[$latest.last]
                                          >= split(e, '|')[$latest.last])] AS merged
CALL (merged) {
  UNWIND merged AS e
  WITH split(e, '|')[$latest.audience] AS audience, e
  ORDER BY audience, e DESC
  WITH audience, collect(e) AS kept
  WITH collect({audience: audience, kept: kept[..$keep], dropped: kept[$keep]}) AS parts
  WITH parts, reduce(all = [], part IN parts | all + part.kept) AS kept
  RETURN kept, [part IN parts WHERE part.dropped IS NOT NULL | part.dropped] AS dropped,
         reduce(at = {end: 0, spans: []}, part IN parts
                | {end: at.end + size(part.kept),
                   spans: at.spans + (part.audience + '|' + toString(at.end) + '|'
                                      + toString(at.end + size(part.kept)))}).spans AS spans
}
SET n.latest_links = kept,
    n.latest_links_spans = spans,
    n.latest_links_cutoff = [c IN cutoffs
                             WHERE NOT split(c, '|')[$latest.audience]
                                       IN [x IN dropped | split(x, '|')[$latest.audience]]]
                            + dropped
"""

# Who may see each person a decision's plan moved reports between (as REFRESH_AUDIENCES does
# for a retraction's entities, in linking/queries.py). A merged person keeps who
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
