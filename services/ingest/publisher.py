"""Kafka adapters of ingest's ports: an acks=all idempotent publisher and a report reader."""

import threading

from kafka import KafkaConsumer, TopicPartition
from kafka.errors import KafkaError

from common.adapters.kafka_publishing import AckedProducer
from common.kafka_access import KafkaAccess
from services.ingest.ports import Delivered, Message, PublishFailed

# Concurrent requests' records that arrive within the linger share one produce request.
LINGER_MS = 5


class KafkaPublisher:
    """Ingest's Publisher port on an acks=all idempotent producer
    (common.adapters.kafka_publishing)."""

    def __init__(
        self, *, access: KafkaAccess, timeout_s: float, linger_ms: int = LINGER_MS
    ) -> None:
        self._producer = AckedProducer(
            access=access,
            timeout_s=timeout_s,
            client_id="tessera-ingest",
            linger_ms=linger_ms,
        )

    def publish(self, *, topic: str, messages: list[Message]) -> list[Delivered]:
        """Send all, then block until Kafka acknowledged each (acks=all) or the timeout passed."""
        try:
            where = self._producer.send_all(topic, [(m.key, m.value) for m in messages])
        except KafkaError as error:
            raise PublishFailed(f"Kafka did not acknowledge every report: {error}") from error
        return [Delivered(partition=partition, offset=offset) for partition, offset in where]

    def ready(self) -> bool:
        """Whether a connection to Kafka is established."""
        try:
            return self._producer.ready()
        except KafkaError:
            return False

    def close(self) -> None:
        """Flush what is in flight and close the connection."""
        self._producer.close()


class KafkaReportReader:
    """Fetches single messages by partition and offset with one group-less consumer."""

    def __init__(self, *, access: KafkaAccess, timeout_s: float) -> None:
        self._access = access
        self._timeout_ms = int(timeout_s * 1000)
        self._lock = threading.Lock()
        self._consumer: KafkaConsumer | None = None

    def read(self, *, topic: str, partition: int, offset: int) -> bytes | None:
        """The message's value, or None when retention has removed it."""
        with self._lock:
            try:
                if self._consumer is None:
                    self._consumer = KafkaConsumer(
                        **self._access.client_options(),
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
