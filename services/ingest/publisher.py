"""Publishing reports to Kafka: the Publisher port and its kafka-python adapter."""

import threading
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
    """An idempotent kafka-python producer that waits for acks from all in-sync replicas.

    The producer is created on first use, so ingest starts (and answers 503) while Kafka is down
    and recovers by itself when Kafka comes back.
    """

    def __init__(self, *, bootstrap_servers: str, timeout_s: float) -> None:
        self._bootstrap_servers = bootstrap_servers
        self._timeout_s = timeout_s
        self._lock = threading.Lock()
        self._producer: KafkaProducer | None = None

    def _connected_producer(self) -> KafkaProducer:
        with self._lock:
            if self._producer is None:
                timeout_ms = int(self._timeout_s * 1000)
                self._producer = KafkaProducer(
                    bootstrap_servers=self._bootstrap_servers,
                    acks="all",
                    enable_idempotence=True,
                    linger_ms=5,
                    request_timeout_ms=timeout_ms,
                    max_block_ms=timeout_ms,
                    bootstrap_timeout_ms=timeout_ms,
                    client_id="tessera-ingest",
                )
            return self._producer

    def publish(self, *, topic: str, key: bytes, value: bytes) -> None:
        """Send and block until Kafka acknowledges (acks=all) or the timeout passes."""
        try:
            producer = self._connected_producer()
            producer.send(topic, key=key, value=value).get(timeout=self._timeout_s)
        except KafkaError as error:
            raise PublishFailed(f"Kafka did not acknowledge the report: {error}") from error

    def ready(self) -> bool:
        """Whether a connection to Kafka is established."""
        try:
            return bool(self._connected_producer().bootstrap_connected())
        except KafkaError:
            return False

    def close(self) -> None:
        """Flush what is in flight and close the connection."""
        with self._lock:
            if self._producer is not None:
                self._producer.close(timeout=self._timeout_s)
                self._producer = None
