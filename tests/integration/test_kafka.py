"""The ingest publisher and the topic script against the real Kafka broker."""

import socket
import uuid
from collections.abc import Iterator

import pytest
from kafka import KafkaAdminClient, KafkaConsumer
from kafka.admin import ConfigResource, ConfigResourceType

from common.kafka_access import KafkaAccess
from schemas import topics
from schemas.topics import TopicSpec
from services.ingest.ports import Message, PublishFailed
from services.ingest.publisher import KafkaPublisher
from tessera_cli.topics import delete_topics, ensure_topics

pytestmark = pytest.mark.integration


@pytest.fixture
def fresh_topic(kafka: KafkaAccess) -> Iterator[str]:
    name = f"test.{uuid.uuid4().hex[:8]}.reports"
    ensure_topics(access=kafka, specs=(TopicSpec(name, partitions=2, retention_ms=-1),))
    yield name
    delete_topics(access=kafka, names=[name])


def test_published_report_is_on_the_topic_with_its_key(
    kafka: KafkaAccess, fresh_topic: str
) -> None:
    publisher = KafkaPublisher(access=kafka, timeout_s=10)
    try:
        [delivered] = publisher.publish(
            topic=fresh_topic, messages=[Message(key=b"ZZ999ZZ|synthetic park", value=b'{"n": 1}')]
        )
    finally:
        publisher.close()
    consumer = KafkaConsumer(
        fresh_topic,
        **kafka.client_options(),
        group_id=f"test-{uuid.uuid4().hex}",
        auto_offset_reset="earliest",
        consumer_timeout_ms=10_000,
    )
    try:
        [message] = list(consumer)
    finally:
        consumer.close()
    assert (message.key, message.value) == (b"ZZ999ZZ|synthetic park", b'{"n": 1}')
    assert (message.partition, message.offset) == (delivered.partition, delivered.offset)


def test_topic_script_is_idempotent_and_reports_keep_everything(kafka: KafkaAccess) -> None:
    first = ensure_topics(access=kafka)
    second = ensure_topics(access=kafka)
    assert all("exists" in line for line in second), second
    assert len(first) == len(second) == len(topics.TOPIC_SPECS)
    admin = KafkaAdminClient(**kafka.client_options())
    try:
        described = admin.describe_topics([topics.REPORTS])
        configs = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topics.REPORTS)])
    finally:
        admin.close()
    assert len(described[0]["partitions"]) == 6
    assert configs["topic"][topics.REPORTS]["retention.ms"]["value"] == "-1"


def test_an_unreachable_broker_is_a_publish_failure_not_a_hang() -> None:
    """What ingest turns into a 503: the real client against a port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    publisher = KafkaPublisher(access=KafkaAccess(f"127.0.0.1:{port}"), timeout_s=1.0)
    assert publisher.ready() is False
    with pytest.raises(PublishFailed):
        publisher.publish(topic="intel.reports.v1", messages=[Message(key=b"k", value=b"{}")])
    publisher.close()
