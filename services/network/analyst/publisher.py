"""Kafka adapter of the analyst API's Publisher port: an acks=all idempotent producer.

Built on first use (common.adapters.kafka_publishing), so the analyst API starts and answers
reads while Kafka is down; a decision then gets a 503 and is not applied.
"""

from kafka.errors import KafkaError

from common.adapters.kafka_publishing import AckedProducer
from common.kafka_access import KafkaAccess
from services.network.analyst.ports import PublishFailed


class KafkaPublisher:
    """Publishes one keyed message and returns once Kafka acknowledged it."""

    def __init__(self, *, access: KafkaAccess, timeout_s: float) -> None:
        self._producer = AckedProducer(
            access=access,
            timeout_s=timeout_s,
            client_id="tessera-network-api",
        )

    def publish(self, *, topic: str, key: bytes, value: bytes) -> None:
        """Send, then block until Kafka acknowledged it (acks=all) or the timeout passed."""
        try:
            self._producer.send_all(topic, [(key, value)])
        except KafkaError as error:
            raise PublishFailed(f"Kafka did not acknowledge the decision: {error}") from error

    def close(self) -> None:
        """Flush what is in flight and close the connection."""
        self._producer.close()
