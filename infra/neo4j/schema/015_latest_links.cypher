// Every entity but a person keeps, for each audience, its latest links (issue 17; schemas/graph.py
// LATEST_LINKS_KEPT, given as $keep): one entry a link, `when|audience|link type|other entity`,
// with the time of the link's latest evidence entry of that audience, and for each audience that
// had more, the latest entry it dropped (its cutoff). The analyst ranks a busy place's links
// from these instead of reading its every link. Linking keeps them up to date from now on
// (services/network/queries.py KEEP_LATEST_LINKS); entities linked before are worked out here
// from their links, 500 to a transaction. Safe to re-run: only entities without `latest_links`
// are read.
MATCH (n:Entity)
WHERE NOT n:Person AND n.latest_links IS NULL
CALL (n) {
  CALL (n) {
    MATCH (n)-[l]-(m:Entity)
    WHERE l.evidence IS NOT NULL
    UNWIND [x IN [e IN l.evidence | split(e, '|')] | x] AS x
    WITH type(l) AS type, m.id AS other, x[$evidence.audience] AS audience,
         max(x[$evidence.observed]) AS last
    ORDER BY audience, last DESC
    WITH audience, collect(last + '|' + audience + '|' + type + '|' + other) AS kept
    RETURN reduce(all = [], part IN collect(kept[..$keep]) | all + part) AS kept,
           collect(kept[$keep]) AS dropped
  }
  SET n.latest_links = kept, n.latest_links_cutoff = dropped
} IN TRANSACTIONS OF 500 ROWS;
