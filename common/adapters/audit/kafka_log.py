"""Kafka adapter of the AuditLog port: each entry on the audit topic with acks=all, keyed by its
chain id so that a chain stays in order on one partition."""

import threading
from collections.abc import Callable

from kafka.errors import KafkaError

from common.adapters.kafka_publishing import AckedProducer
from common.audit.trail import AuditUnavailable
from common.kafka_access import KafkaAccess, KafkaCredentialsMissing
from schemas.audit import AuditEntry


class KafkaAuditLog:
    """Appends entries to the audit topic and returns once Kafka acknowledged each.

    The access (the process's principal and its credentials) is resolved on the first entry, so
    a process starts without them and its audited reads answer 503 until they are there.
    """

    def __init__(
        self,
        *,
        access: Callable[[], KafkaAccess],
        topic: str,
        timeout_s: float,
        service: str,
    ) -> None:
        self._access = access
        self._topic = topic
        self._timeout_s = timeout_s
        self._client_id = f"tessera-{service}-audit"
        self._lock = threading.Lock()
        self._producer: AckedProducer | None = None

    def _connected(self) -> AckedProducer:
        with self._lock:
            if self._producer is None:
                self._producer = AckedProducer(
                    access=self._access(), timeout_s=self._timeout_s, client_id=self._client_id
                )
            return self._producer

    def append(self, entry: AuditEntry) -> None:
        """Send the entry's JSON, then block until acknowledged; AuditUnavailable otherwise."""
        record = (entry.chain_id.encode(), entry.model_dump_json().encode())
        try:
            self._connected().send_all(self._topic, [record])
        except (KafkaError, KafkaCredentialsMissing) as error:
            raise AuditUnavailable(f"Kafka did not acknowledge the audit entry: {error}") from error

    def close(self) -> None:
        """Flush what is in flight and close the producer."""
        with self._lock:
            if self._producer is not None:
                self._producer.close()
                self._producer = None
