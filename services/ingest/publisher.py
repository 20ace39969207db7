"""Publishing reports to Kafka: the Publisher port and its kafka-python adapter."""

from typing import Protocol

from kafka import KafkaProducer
from kafka.errors import KafkaError


class PublishFailed(Exception):
    """Kafka did not acknowledge the message; nothing may be reported as accepted."""


class Publisher(Protocol):
    """Somewhere a keyed message can be durably published."""

    def publish(self, *, topic: str, key: bytes, value: bytes) -> None:
        """Return only once the message is acknowledged, else raise PublishFailed."""
        ...


class KafkaPublisher:
    """An idempotent kafka-python producer that waits for acks from all in-sync replicas."""

    def __init__(self, *, bootstrap_servers: str, timeout_s: float) -> None:
        self._timeout_s = timeout_s
        self._producer = KafkaProducer(
            bootstrap_servers=bootstrap_servers,
            acks="all",
            enable_idempotence=True,
            linger_ms=5,
            request_timeout_ms=int(timeout_s * 1000),
            max_block_ms=int(timeout_s * 1000),
            client_id="tessera-ingest",
        )

    def publish(self, *, topic: str, key: bytes, value: bytes) -> None:
        """Send and block until Kafka acknowledges (acks=all) or the timeout passes."""
        try:
            self._producer.send(topic, key=key, value=value).get(timeout=self._timeout_s)
        except KafkaError as error:
            raise PublishFailed(f"Kafka did not acknowledge the report: {error}") from error

    def close(self) -> None:
        """Flush what is in flight and close the connection."""
        self._producer.close(timeout=self._timeout_s)
