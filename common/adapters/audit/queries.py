"""Cypher of the audit's Neo4j copy. Entries are only ever created and read: no statement in any
queries.py may delete, set or remove anything on an AuditEntry (a unit test checks)."""

# Every property in one CREATE: the entry is whole from the start and never written again.
# `topic` names the topic the entry is on, so `tessera audit verify` compares like with like.
RECORD_AUDIT_ENTRY = """
CREATE (:AuditEntry {
  id: $entry.id, at: datetime($entry.at), schema_version: $entry.schema_version,
  chain_id: $entry.chain_id, sequence: $entry.sequence, prev_hash: $entry.prev_hash,
  hash: $entry.hash, service: $entry.service, user: $entry.user, agency: $entry.agency,
  role: $entry.role, action: $entry.action, purpose: $entry.purpose,
  subject_ids: $entry.subject_ids, parameters: $entry.parameters, topic: $topic
})
"""

COPIED_ENTRIES = """
MATCH (a:AuditEntry)
WHERE a.topic = $topic
RETURN properties(a) AS entry
"""

COUNT_UNCHAINED_ENTRIES = """
MATCH (a:AuditEntry)
WHERE a.chain_id IS NULL
RETURN count(a) AS entries
"""
