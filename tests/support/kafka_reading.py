"""Read back what landed on a test's private Kafka topic; let services use such topics."""

import time

from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition
from kafka.admin import ACLOperation, ResourceType

from common.kafka_access import SERVICES, KafkaAccess
from schemas.reports import ReportSubmitted
from tessera_cli.kafka_principals import Grant, apply_grants

TEST_TOPICS = "test."
TEST_GROUPS = "test-"


def grant_test_topics(kafka: KafkaAccess) -> None:
    """Let every service principal read and write the tests' topics and join their groups."""
    grants = [
        Grant(principal, operation, resource, name, prefixed=True)
        for principal in SERVICES
        for operation, resource, name in (
            (ACLOperation.READ, ResourceType.TOPIC, TEST_TOPICS),
            (ACLOperation.WRITE, ResourceType.TOPIC, TEST_TOPICS),
            (ACLOperation.READ, ResourceType.GROUP, TEST_GROUPS),
        )
    ]
    admin = KafkaAdminClient(**kafka.client_options(), client_id="tessera-tests")
    try:
        apply_grants(admin, grants)
    finally:
        admin.close()


def read_reports(kafka: KafkaAccess, topic: str, expected: int) -> list[ReportSubmitted]:
    """Everything on the topic: until `expected` arrived and a quiet second passed, or 30 s."""
    consumer = KafkaConsumer(**kafka.client_options(), group_id=None, enable_auto_commit=False)
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        events: list[ReportSubmitted] = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            batch = consumer.poll(timeout_ms=1000)
            if not batch and len(events) >= expected:
                break
            for records in batch.values():
                events += [ReportSubmitted.from_wire(r.value) for r in records]
        return events
    finally:
        consumer.close()


def read_values(kafka: KafkaAccess, topic: str, expected: int) -> list[bytes]:
    """Every value on the topic, in offset order per partition, as read_reports waits for them."""
    consumer = KafkaConsumer(**kafka.client_options(), group_id=None, enable_auto_commit=False)
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        values: list[bytes] = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            batch = consumer.poll(timeout_ms=1000)
            if not batch and len(values) >= expected:
                break
            for records in batch.values():
                values += [r.value for r in records]
        return values
    finally:
        consumer.close()
