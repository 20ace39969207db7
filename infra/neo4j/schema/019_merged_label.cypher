// A person an analyst's `same` merged into another (MERGED_INTO) is labelled Merged until a
// `different` undoes the merge (issue 17; services/network/queries.py MERGE_CONFIRMED and
// UNMERGE_REJECTED): linking skips such a person by the label, read with the node, instead of
// testing each candidate for a MERGED_INTO (a quarter of its candidate read on a million
// reports: bench/RESULTS.md). People merged before are labelled here. Safe to re-run.
MATCH (p:Person)-[:MERGED_INTO]->(:Person)
WHERE NOT p:Merged
SET p:Merged;

MATCH (p:Merged)
WHERE NOT (p)-[:MERGED_INTO]->(:Person)
REMOVE p:Merged;
