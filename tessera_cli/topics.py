"""Creates Kafka topics from schemas.topics with explicit partitions and retention."""

from kafka import KafkaAdminClient
from kafka.admin import NewTopic

from schemas.topics import TOPIC_SPECS, TopicSpec


def topic_config(spec: TopicSpec) -> dict[str, str]:
    """The topic-level settings of a spec."""
    return {"retention.ms": str(spec.retention_ms), "cleanup.policy": spec.cleanup_policy}


def ensure_topics(
    *,
    bootstrap: str,
    specs: tuple[TopicSpec, ...] = TOPIC_SPECS,
    replication_factor: int = 1,
) -> list[str]:
    """Create the topics that are missing; say what was created and what was already there."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="tessera-cli")
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


def delete_topics(*, bootstrap: str, names: list[str]) -> None:
    """Delete topics (used by tests to clean up their own)."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="tessera-cli")
    try:
        admin.delete_topics(names)
    finally:
        admin.close()
