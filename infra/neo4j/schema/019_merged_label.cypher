// A person an analyst's `same` merged into another (MERGED_INTO) is labelled Merged until a
// `different` undoes the merge (issue 17; services/network/queries.py MERGE_CONFIRMED and
// UNMERGE_REJECTED): linking skips such a person by the label, read with the node, instead of
// walking all of a candidate's relationships to find a MERGED_INTO. People merged before are
// labelled here. Safe to re-run.
MATCH (p:Person)-[:MERGED_INTO]->(:Person)
WHERE NOT p:Merged
SET p:Merged;

MATCH (p:Merged)
WHERE NOT (p)-[:MERGED_INTO]->(:Person)
REMOVE p:Merged;
