"""Creates Kafka topics from schemas.topics, and tells how far a consumer group has got."""

from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition
from kafka.admin import NewTopic

from common.kafka_access import KafkaAccess
from schemas.topics import TOPIC_SPECS, TopicSpec


def topic_config(spec: TopicSpec) -> dict[str, str]:
    """The topic-level settings of a spec."""
    return {"retention.ms": str(spec.retention_ms), "cleanup.policy": spec.cleanup_policy}


def ensure_topics(
    *,
    access: KafkaAccess,
    specs: tuple[TopicSpec, ...] = TOPIC_SPECS,
    replication_factor: int = 1,
) -> list[str]:
    """Create the topics that are missing; say what was created and what was already there."""
    admin = KafkaAdminClient(**access.client_options(), client_id="tessera-cli")
    try:
        existing = set(admin.list_topics())
        missing = [spec for spec in specs if spec.name not in existing]
        if missing:
            admin.create_topics(
                [
                    NewTopic(
                        spec.name,
                        spec.partitions,
                        replication_factor,
                        topic_configs=topic_config(spec),
                    )
                    for spec in missing
                ]
            )
        created = {spec.name for spec in missing}
        return [
            f"{spec.name}: {'created' if spec.name in created else 'exists'} "
            f"({spec.partitions} partitions, retention "
            f"{'forever' if spec.retention_ms < 0 else f'{spec.retention_ms // 86_400_000} days'})"
            for spec in specs
        ]
    finally:
        admin.close()


def delete_topics(*, access: KafkaAccess, names: list[str]) -> None:
    """Delete topics (used by tests to clean up their own)."""
    admin = KafkaAdminClient(**access.client_options(), client_id="tessera-cli")
    try:
        admin.delete_topics(names)
    finally:
        admin.close()


def topic_end(access: KafkaAccess, topic: str) -> int:
    """How many messages the topic holds (the sum of its partitions' end offsets)."""
    consumer = KafkaConsumer(**access.client_options(), group_id=None, enable_auto_commit=False)
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        return sum(consumer.end_offsets(partitions).values())
    finally:
        consumer.close()


def group_lag(access: KafkaAccess, group: str, topic: str) -> int:
    """How many messages of the topic the consumer group has not committed yet.

    The workers commit an offset only once what came before it is in the graph (or examined by
    the detectors), so a lag of 0 means everything on the topic so far was handled.
    """
    admin = KafkaAdminClient(**access.client_options(), client_id="tessera-cli")
    try:
        committed = admin.list_group_offsets(group).get(group, {})
    finally:
        admin.close()
    done = sum(max(int(meta.offset), 0) for tp, meta in committed.items() if tp.topic == topic)
    return topic_end(access, topic) - done
