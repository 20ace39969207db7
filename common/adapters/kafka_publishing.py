"""An acks=all idempotent kafka-python producer that a 503 can trust, shared by the APIs.

It is built on first use, so an API starts (and answers 503) while Kafka is down and recovers by
itself when Kafka comes back. A record not acknowledged in time fails and leaves the buffer,
so a refused request cannot be delivered later behind the client's retry.
"""

import contextlib
import threading

from kafka import KafkaProducer
from kafka.errors import KafkaError

from common.kafka_access import KafkaAccess

SETTLE_MARGIN_S = 2.0  # beyond the delivery timeout, for the producer's expiry sweep


class AckedProducer:
    """Sends keyed records and waits until Kafka acknowledged each, or raises KafkaError."""

    def __init__(
        self, *, access: KafkaAccess, timeout_s: float, client_id: str, linger_ms: int = 0
    ) -> None:
        self._access = access
        self._timeout_s = timeout_s
        self._settle_s = timeout_s + SETTLE_MARGIN_S
        self._client_id = client_id
        self._linger_ms = linger_ms
        self._lock = threading.Lock()
        self._producer: KafkaProducer | None = None

    def _connected(self) -> KafkaProducer:
        with self._lock:
            if self._producer is None:
                timeout_ms = int(self._timeout_s * 1000)
                self._producer = KafkaProducer(
                    **self._access.client_options(),
                    acks="all",
                    enable_idempotence=True,
                    linger_ms=self._linger_ms,
                    request_timeout_ms=timeout_ms,
                    delivery_timeout_ms=timeout_ms + self._linger_ms,
                    max_block_ms=timeout_ms,
                    bootstrap_timeout_ms=timeout_ms,
                    client_id=self._client_id,
                )
            return self._producer

    def send_all(self, topic: str, records: list[tuple[bytes, bytes]]) -> list[tuple[int, int]]:
        """(partition, offset) of each (key, value) once acknowledged; KafkaError otherwise.

        No flush: it would wait for every other request's records too and send each request
        alone. Within the linger, concurrent requests share a produce request.
        """
        producer = None
        try:
            producer = self._connected()
            futures = [producer.send(topic, key=key, value=value) for key, value in records]
            # Wait for each outcome to be definite: acknowledged, or failed and dropped.
            metadata = [future.get(timeout=self._settle_s) for future in futures]
        except KafkaError:
            self._discard(producer)
            raise
        return [(m.partition, m.offset) for m in metadata]

    def _discard(self, failed: KafkaProducer | None) -> None:
        """Throw away a producer that failed; the next request builds a fresh one.

        After a broker restart, kafka-python's idempotent producer can lose its producer id
        and never send again. Anything still in its buffer belongs to requests that are failing
        too, so it is dropped, not sent later: a refusal stays final.
        """
        if failed is None:
            return  # Kafka failed before a producer was built
        stale: KafkaProducer = failed
        with self._lock:
            if id(self._producer) != id(stale):
                return  # already replaced by another request
            self._producer = None
        with contextlib.suppress(KafkaError):  # already broken; nothing more to release
            stale.close(timeout=0)

    def ready(self) -> bool:
        """Whether Kafka answers a metadata request now, within at most two seconds.

        A fresh group-less client asks, not the producer: kafka-python's
        `bootstrap_connected()` is true only while a bootstrap is under way, so it said
        "unavailable" for good once the producer had bootstrapped (or after a broker restart),
        and an idle producer does not reconnect until it has something to send.
        """
        from kafka import KafkaConsumer  # imported here: only the probe uses it

        timeout_ms = int(min(self._timeout_s, 2.0) * 1000)
        try:
            probe = KafkaConsumer(
                **self._access.client_options(),
                client_id=f"{self._client_id}-readyz",
                request_timeout_ms=timeout_ms,
                bootstrap_timeout_ms=timeout_ms,
            )
        except KafkaError:
            return False
        try:
            probe.bootstrap(timeout_ms=timeout_ms, refresh=True)
            return True
        except KafkaError:
            return False
        finally:
            with contextlib.suppress(KafkaError):
                probe.close()

    def close(self) -> None:
        """Flush what is in flight and close the connection."""
        with self._lock:
            if self._producer is not None:
                self._producer.close(timeout=self._timeout_s)
                self._producer = None
