"""Cypher for the CLI's schema migrations, demo clean-up and model training. Values are always
$parameters."""

SET_INITIAL_PASSWORD = "ALTER CURRENT USER SET PASSWORD FROM $old TO $new"  # noqa: S105

MIGRATION_APPLIED = """
MATCH (m:SchemaMigration {id: $id})
RETURN m.checksum AS checksum
"""

RECORD_MIGRATION = """
MERGE (m:SchemaMigration {id: $id})
SET m.checksum = $checksum, m.applied_at = datetime()
"""

PING = "RETURN 1 AS ok"

# `tessera resolution train`: the latest $limit person mentions of reports not retracted, each
# as its report said it (the MENTIONS properties, and the phones and handles whose evidence
# names that report). `person` is whom the mention is now, after analysts' merges: only used to
# count how many people share a name.
TRAINING_MENTIONS = """
MATCH (r:Report)-[m:MENTIONS]->(p:Person)
WHERE r.retracted IS NULL
WITH r, m, p
ORDER BY r.observed_at DESC, r.id, m.part
LIMIT $limit
OPTIONAL MATCH (p)-[:MERGED_INTO*1..]->(root:Person)
WHERE NOT (root)-[:MERGED_INTO]->()
RETURN coalesce(root.id, p.id) AS person, m.name AS name, m.nicknames AS nicknames,
       m.date_of_birth AS date_of_birth, m.age AS age,
       toString(date(r.observed_at)) AS observed_on,
       m.home_address AS home_address, m.home_postcode AS home_postcode,
       m.nhs_number AS nhs_number, m.upn AS upn, m.pnc_id AS pnc_id, m.pnd_id AS pnd_id,
       m.la_child_id AS la_child_id, m.home_local_authority AS home_local_authority,
       [(p)-[l:USES_PHONE|HAS_HANDLE]->(x:Entity)
        WHERE any(e IN l.evidence WHERE split(e, '|')[$evidence.report_id] = r.id)
        | x.id] AS contacts
"""

# Postcode centroids (`tessera geo load`): reference data, merged on the canonical postcode.
MERGE_POSTCODE_CENTROIDS = """
UNWIND $rows AS row
MERGE (c:PostcodeCentroid {postcode: row.postcode})
SET c.lat = row.lat, c.lon = row.lon, c.source = row.source
"""

# Every place with a postcode a centroid is known for, located (again: a reloaded file may move
# a centroid); the network worker locates new places as it links them.
LOCATE_ALL_PLACES_BY_POSTCODE = """
MATCH (l:Location)
WHERE l.postcode IS NOT NULL
MATCH (c:PostcodeCentroid {postcode: l.postcode})
WITH l, c WHERE l.centroid_lat IS NULL OR l.centroid_lat <> c.lat OR l.centroid_lon <> c.lon
SET l.centroid_lat = c.lat, l.centroid_lon = c.lon
RETURN count(l) AS located
"""
