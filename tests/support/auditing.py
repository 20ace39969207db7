"""Reading back what the real audit trail wrote (its fakes are in tests/support/fakes/audit.py)."""

from typing import Any

from neo4j import Driver

from common.kafka_access import KafkaAccess
from schemas.audit import AuditEntry
from tests.support import queries
from tests.support.kafka_reading import read_values


def audited(
    kafka: KafkaAccess, topic: str, driver: Driver, *, purpose: str
) -> tuple[list[AuditEntry], dict[str, dict[str, Any]]]:
    """The entries stating this purpose on the audit topic, in order, and their Neo4j copies
    by entry id."""
    entries = [AuditEntry.model_validate_json(v) for v in read_values(kafka, topic, 0)]
    records, _, _ = driver.execute_query(queries.AUDIT_COPIES_WITH_PURPOSE, purpose=purpose)
    copies = {r["entry"]["id"]: dict(r["entry"]) for r in records}
    return [e for e in entries if e.purpose == purpose], copies
