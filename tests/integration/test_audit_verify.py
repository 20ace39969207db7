"""`tessera audit verify` on the real Kafka and Neo4j: fed a topic of its own holding chains of
real entries, it passes an intact audit and names an entry edited or removed, on the topic and
in the Neo4j copy, exiting 1."""

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from neo4j import Driver
from typer.testing import CliRunner, Result

from common.adapters.audit.neo4j_copy import Neo4jAuditCopy
from common.adapters.kafka_publishing import AckedProducer
from common.audit.trail import AuditTrail
from common.auth import Principal, Role
from common.kafka_access import KafkaAccess
from common.settings import InfraSettings
from schemas.audit import AuditEntry
from schemas.topics import TopicSpec
from tessera_cli.main import app as cli
from tessera_cli.topics import delete_topics, ensure_topics
from tests.support.fakes.audit import FakeAudit

pytestmark = pytest.mark.integration

READER = Principal(user="a.analyst", agency="Synthetic Analysts", role=Role.ANALYST)
WRITTEN_AT = datetime.now(UTC) - timedelta(days=1)  # long settled: its copy is compared


@pytest.fixture
def audit_copy_topic(kafka: KafkaAccess) -> Iterator[str]:
    """A topic of the test's own, shaped as the real audit topic (kept forever)."""
    name = f"test.{uuid.uuid4().hex[:8]}.verify.audit"
    ensure_topics(access=kafka, specs=(TopicSpec(name, partitions=3, retention_ms=-1),))
    yield name
    delete_topics(access=kafka, names=[name])


def _chain(length: int) -> list[AuditEntry]:
    """A writer's first entries, as a service writes them (synthetic subjects)."""
    audit = FakeAudit()
    trail = AuditTrail(log=audit.log, copy=audit.copy, service="test", clock=lambda: WRITTEN_AT)
    for i in range(length):
        trail.record(
            reader=READER,
            action="person.read",
            purpose="verification test",
            subject_ids=[f"person:synthetic-{i}"],
        )
    return audit.entries


def _publish(kafka: KafkaAccess, topic: str, values: list[tuple[str, bytes]]) -> None:
    producer = AckedProducer(access=kafka, timeout_s=10.0, client_id="tessera-tests")
    try:
        producer.send_all(topic, [(key.encode(), value) for key, value in values])
    finally:
        producer.close()


def _on_topic(kafka: KafkaAccess, topic: str, entries: list[AuditEntry], **edits: Any) -> None:
    """Publish the entries as the writer did; `edits` change fields after the hash was made."""
    _publish(
        kafka,
        topic,
        [(e.chain_id, e.model_copy(update=edits).model_dump_json().encode()) for e in entries],
    )


def _copied(driver: Driver, settings: InfraSettings, topic: str, entries: list[AuditEntry]) -> None:
    copy = Neo4jAuditCopy(driver=driver, database=settings.neo4j_database, topic=topic)
    for entry in entries:
        copy.save(entry)


def _verify(topic: str) -> Result:
    return CliRunner().invoke(cli, ["audit", "verify", "--topic", topic], env={"COLUMNS": "400"})


def _line_of(output: str, entry_id: str) -> str:
    (line,) = [line for line in output.splitlines() if entry_id in line]
    return line


def test_an_intact_audit_passes(
    kafka: KafkaAccess, neo4j_driver: Driver, settings: InfraSettings, audit_copy_topic: str
) -> None:
    first, second = _chain(3), _chain(2)
    _on_topic(kafka, audit_copy_topic, first + second)
    _copied(neo4j_driver, settings, audit_copy_topic, first + second)
    result = _verify(audit_copy_topic)
    assert result.exit_code == 0, result.output
    assert "5 entries in 2 chains" in result.output
    assert "5 copies in Neo4j compared" in result.output
    assert "intact" in result.output


def test_an_entry_edited_and_one_removed_on_the_topic_are_named(
    kafka: KafkaAccess, neo4j_driver: Driver, settings: InfraSettings, audit_copy_topic: str
) -> None:
    edited, removed = _chain(4), _chain(4)
    _on_topic(kafka, audit_copy_topic, edited[:1])
    _on_topic(kafka, audit_copy_topic, edited[1:2], purpose="nothing to see here")
    _on_topic(kafka, audit_copy_topic, edited[2:])
    _on_topic(kafka, audit_copy_topic, removed[:2] + removed[3:])
    _copied(neo4j_driver, settings, audit_copy_topic, edited + removed)  # as they were written
    result = _verify(audit_copy_topic)
    assert result.exit_code == 1, result.output
    assert "changed" in _line_of(result.output, edited[1].id)
    gap = _line_of(result.output, "sequence 2 missing")
    assert removed[2].chain_id in gap and "removed" in gap
    # the copy still holds the removed entry, so it is named by its id too
    assert "not on the topic" in _line_of(result.output, removed[2].id)
    assert "problems found" in result.output


def test_an_entry_edited_and_one_removed_in_the_neo4j_copy_are_named(
    kafka: KafkaAccess, neo4j_driver: Driver, settings: InfraSettings, audit_copy_topic: str
) -> None:
    entries = _chain(3)
    _on_topic(kafka, audit_copy_topic, entries)
    changed = entries[1].model_copy(update={"user": "someone.else"})
    _copied(neo4j_driver, settings, audit_copy_topic, [entries[0], changed])
    result = _verify(audit_copy_topic)
    assert result.exit_code == 1, result.output
    edited_line = _line_of(result.output, entries[1].id)
    assert "Neo4j copy" in edited_line and "changed" in edited_line
    removed_line = _line_of(result.output, entries[2].id)
    assert "Neo4j copy" in removed_line and "removed" in removed_line
    assert entries[0].id not in result.output
