// Every entity but a person keeps its latest links (schemas/graph.py LATEST_LINKS_KEPT, given as
// $keep) with each link's element id, and where each audience's entries are in the list (its
// span: `audience|start|end`), so the analyst reads only the entries of the caller's audiences,
// only as many as it shows, and finds each link it shows without expanding either end (issue 17).
// Linking keeps them so from now on (services/network/queries.py KEEP_LATEST_LINKS); entities
// linked before are worked out again here from their links, as that statement writes them, 500 to
// a transaction. Safe to re-run: only entities without spans are read.
MATCH (n:Entity)
WHERE NOT n:Person AND n.latest_links_spans IS NULL
CALL (n) {
  CALL (n) {
    MATCH (n)-[l]-(m:Entity)
    WHERE l.evidence IS NOT NULL
    UNWIND [x IN [e IN l.evidence | split(e, '|')] | x] AS x
    WITH type(l) AS type, m.id AS other, x[$evidence.audience] AS audience,
         max(x[$evidence.observed]) AS last, collect(DISTINCT elementId(l)) AS links
    WITH audience, last + '|' + audience + '|' + type + '|' + other + '|'
                   + CASE size(links) WHEN 1 THEN links[0] ELSE '' END AS e
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
  SET n.latest_links = kept, n.latest_links_cutoff = dropped, n.latest_links_spans = spans
} IN TRANSACTIONS OF 500 ROWS;
