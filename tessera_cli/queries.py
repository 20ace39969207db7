"""Cypher for the CLI's schema migrations and demo clean-up. Values are always $parameters."""

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
