"""Read back what landed on a test's private Kafka topic."""

import time

from kafka import KafkaConsumer, TopicPartition

from schemas.reports import ReportSubmitted


def read_reports(kafka: str, topic: str, expected: int) -> list[ReportSubmitted]:
    """Everything on the topic: until `expected` arrived and a quiet second passed, or 30 s."""
    consumer = KafkaConsumer(bootstrap_servers=kafka, group_id=None, enable_auto_commit=False)
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


def read_values(kafka: str, topic: str, expected: int) -> list[bytes]:
    """Every value on the topic, in offset order per partition, as read_reports waits for them."""
    consumer = KafkaConsumer(bootstrap_servers=kafka, group_id=None, enable_auto_commit=False)
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
