"""Kafka adapter of the analyst API's Publisher port: an acks=all idempotent producer."""

import threading

from kafka import KafkaProducer
from kafka.errors import KafkaError

from services.network.ports import PublishFailed

SETTLE_MARGIN_S = 2.0  # beyond the delivery timeout, for the producer's expiry sweep


class KafkaPublisher:
    """A kafka-python producer that waits for acks from all in-sync replicas.

    Created on first use, so the analyst API starts (and answers reads) while Kafka is down;
    a decision then gets a 503 and is not applied.
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
                    request_timeout_ms=timeout_ms,
                    # A record not acknowledged in time fails and leaves the buffer, so a 503
                    # is final: it cannot be delivered later behind the analyst's retry.
                    delivery_timeout_ms=timeout_ms,
                    max_block_ms=timeout_ms,
                    bootstrap_timeout_ms=timeout_ms,
                    client_id="tessera-network-api",
                )
            return self._producer

    def publish(self, *, topic: str, key: bytes, value: bytes) -> None:
        """Send, then block until Kafka acknowledged it (acks=all) or the timeout passed."""
        try:
            future = self._connected_producer().send(topic, key=key, value=value)
            future.get(timeout=self._timeout_s + SETTLE_MARGIN_S)
        except KafkaError as error:
            raise PublishFailed(f"Kafka did not acknowledge the decision: {error}") from error

    def close(self) -> None:
        """Flush what is in flight and close the connection."""
        with self._lock:
            if self._producer is not None:
                self._producer.close(timeout=self._timeout_s)
                self._producer = None
