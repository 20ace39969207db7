"""Kafka adapters of ingest's ports: an acks=all idempotent publisher and a report reader."""

import threading

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.errors import KafkaError

from services.ingest.ports import Delivered, Message, PublishFailed

LINGER_MS = 5
SETTLE_MARGIN_S = 2.0  # beyond the delivery timeout, for the producer's expiry sweep


class KafkaPublisher:
    """An idempotent kafka-python producer that waits for acks from all in-sync replicas.

    The producer is created on first use, so ingest starts (and answers 503) while Kafka is down
    and recovers by itself when Kafka comes back.
    """

    def __init__(self, *, bootstrap_servers: str, timeout_s: float) -> None:
        self._bootstrap_servers = bootstrap_servers
        self._timeout_s = timeout_s
        self._settle_s = timeout_s + SETTLE_MARGIN_S
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
                    linger_ms=LINGER_MS,
                    request_timeout_ms=timeout_ms,
                    # A record not acknowledged in time fails and leaves the buffer, so a 503
                    # is final: it cannot be delivered later behind the client's retry.
                    delivery_timeout_ms=timeout_ms + LINGER_MS,
                    max_block_ms=timeout_ms,
                    bootstrap_timeout_ms=timeout_ms,
                    client_id="tessera-ingest",
                )
            return self._producer

    def publish(self, *, topic: str, messages: list[Message]) -> list[Delivered]:
        """Send all, then block until Kafka acknowledged each (acks=all) or the timeout passed."""
        producer = None
        try:
            producer = self._connected_producer()
            futures = [producer.send(topic, key=m.key, value=m.value) for m in messages]
            # No flush: it would wait for every other request's records too and send each
            # request alone. Within the linger, concurrent requests share a produce request.
            # Wait for each outcome to be definite: acknowledged, or failed and dropped.
            metadata = [future.get(timeout=self._settle_s) for future in futures]
        except KafkaError as error:
            self._discard(producer)
            raise PublishFailed(f"Kafka did not acknowledge every report: {error}") from error
        return [Delivered(partition=m.partition, offset=m.offset) for m in metadata]

    def _discard(self, failed: KafkaProducer | None) -> None:
        """Throw away a producer that failed; the next request builds a fresh one.

        After a broker restart, kafka-python's idempotent producer can lose its producer id
        and never send again (ingest then answered 503 for good, seen in the Kafka-restart
        fault test). Anything still in its buffer belongs to requests that are failing too, so
        it is dropped, not sent later: a 503 stays final.
        """
        if failed is None:
            return  # Kafka failed before a producer was built
        stale: KafkaProducer = failed
        with self._lock:
            if id(self._producer) != id(stale):
                return  # already replaced by another request
            self._producer = None
        try:
            stale.close(timeout=0)
        except KafkaError:  # already broken; nothing more to release
            pass

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


class KafkaReportReader:
    """Fetches single messages by partition and offset with one group-less consumer."""

    def __init__(self, *, bootstrap_servers: str, timeout_s: float) -> None:
        self._bootstrap_servers = bootstrap_servers
        self._timeout_ms = int(timeout_s * 1000)
        self._lock = threading.Lock()
        self._consumer: KafkaConsumer | None = None

    def read(self, *, topic: str, partition: int, offset: int) -> bytes | None:
        """The message's value, or None when retention has removed it."""
        with self._lock:
            try:
                if self._consumer is None:
                    self._consumer = KafkaConsumer(
                        bootstrap_servers=self._bootstrap_servers,
                        group_id=None,
                        enable_auto_commit=False,
                        request_timeout_ms=max(self._timeout_ms, 1000) + 500,
                        client_id="tessera-ingest-reader",
                    )
                where = TopicPartition(topic, partition)
                self._consumer.assign([where])
                self._consumer.seek(where, offset)
                batches = self._consumer.poll(timeout_ms=self._timeout_ms, max_records=1)
            except KafkaError as error:
                raise PublishFailed(f"Kafka could not be read: {error}") from error
        for records in batches.values():
            for record in records:
                if record.offset == offset:
                    value: bytes = record.value
                    return value
        return None

    def close(self) -> None:
        """Close the consumer."""
        with self._lock:
            if self._consumer is not None:
                self._consumer.close()
                self._consumer = None
