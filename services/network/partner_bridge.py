"""The partner bridge process: moves each partner's inbound reports onto the reports topic.

A partner's Kafka principal may write only its own inbound topic,
`intel.partner.<agency>.reports.v1` (`tessera partner add`). The bridge reads every inbound
topic (a pattern subscription, so a new partner is picked up within seconds), sets
`source_agency` and `submitted_by` from the topic's agency, never from the message, and
publishes the report to the reports topic with acks=all before it commits the inbound offset:
at least once, and the network worker's writes are idempotent. A message that is not a JSON
object, or that arrives on the topic of an agency no longer registered, goes to the
dead-letter topic with the reason; the stream goes on.
"""

import json
import logging
import re
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType

from kafka import KafkaConsumer, KafkaProducer
from kafka.errors import KafkaError
from kafka.producer.future import FutureRecordMetadata

from common.auth import TokenStore
from common.kafka_access import BRIDGE, KafkaAccess, kafka_access
from common.logs import configure_logging
from schemas import topics
from schemas.reports import ReportRejected
from services.network.config import Settings, get_settings

log = logging.getLogger(__name__)

POLL_MS = 1000
METADATA_MAX_AGE_MS = 5000  # how soon a new partner's topic is subscribed
SEND_TIMEOUT_S = 30.0


class NotAReport(ValueError):
    """An inbound message the bridge cannot forward."""


@dataclass(frozen=True, slots=True)
class Forward:
    """Where one inbound message goes: the reports topic, or the dead letters with a reason."""

    topic: str
    key: bytes | None
    value: bytes


def submitted_by(agency: str) -> str:
    """Who a partner's Kafka reports are recorded as submitted by."""
    return f"kafka:partner-{topics.agency_slug(agency)}"


def restamp(value: bytes, agency: str) -> bytes:
    """The message with its agency and submitter set from the inbound topic, never the message."""
    try:
        event = json.loads(value)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise NotAReport(f"not JSON: {error}") from error
    if not isinstance(event, dict):
        raise NotAReport("not a JSON object")
    claimed = event.get("source_agency")
    if claimed is not None and claimed != agency:
        log.warning("a report on %s's inbound topic claimed another agency; set to its own", agency)
    event["source_agency"] = agency
    event["submitted_by"] = submitted_by(agency)
    return json.dumps(event, separators=(",", ":")).encode()


def route(
    *,
    topic: str,
    key: bytes | None,
    value: bytes,
    agencies: Callable[[], list[str]],
    settings: Settings,
) -> Forward:
    """Where an inbound message goes (a pure decision, apart from reading the agencies)."""
    slug = topics.partner_slug_of_topic(topic, settings.network_partner_topic_prefix)
    by_slug = {topics.agency_slug(agency): agency for agency in agencies()}
    try:
        if slug is None or slug not in by_slug:
            raise NotAReport(f"{topic} belongs to no registered agency")
        return Forward(settings.network_reports_topic, key, restamp(value, by_slug[slug]))
    except NotAReport as error:
        rejected = ReportRejected(
            reason=f"partner inbound topic {topic}: {error}",
            rejected_at=datetime.now(UTC),
            original=value.decode("utf-8", errors="replace"),
        )
        return Forward(settings.network_dead_letter_topic, key, rejected.model_dump_json().encode())


def inbound_pattern(prefix: str) -> str:
    """The regular expression every partner inbound topic matches."""
    return "^" + re.escape(prefix) + r"[a-z0-9-]+" + re.escape(topics.PARTNER_SUFFIX) + "$"


class PartnerBridge:
    """The consume, forward, commit loop."""

    def __init__(self, *, settings: Settings, access: KafkaAccess) -> None:
        self._settings = settings
        self._store = TokenStore(Path(settings.tessera_auth_file))
        self._stopping = threading.Event()
        self._consumer = KafkaConsumer(
            **access.client_options(),
            group_id=settings.network_bridge_group,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            metadata_max_age_ms=METADATA_MAX_AGE_MS,
            client_id="tessera-partner-bridge",
        )
        self._producer = KafkaProducer(
            **access.client_options(),
            acks="all",
            enable_idempotence=True,
            client_id="tessera-partner-bridge",
        )

    def run(self) -> None:
        """Forward until stopped; a Kafka error is logged and the batch is read again."""
        pattern = inbound_pattern(self._settings.network_partner_topic_prefix)
        self._consumer.subscribe(pattern=pattern)
        log.info("Ready: the partner bridge reads the topics matching %s", pattern)
        while not self._stopping.is_set():
            batches = self._consumer.poll(timeout_ms=POLL_MS)
            try:
                for records in batches.values():
                    futures = [
                        self._send(
                            route(
                                topic=r.topic,
                                key=r.key,
                                value=r.value,
                                agencies=self._store.agencies,
                                settings=self._settings,
                            )
                        )
                        for r in records
                    ]
                    for future in futures:
                        future.get(timeout=SEND_TIMEOUT_S)
                if batches:
                    self._consumer.commit()
            except KafkaError as error:
                log.warning("partner bridge: Kafka failed (%s); reading the batch again", error)
                self._rewind()

    def _send(self, forward: Forward) -> FutureRecordMetadata:
        return self._producer.send(forward.topic, key=forward.key, value=forward.value)

    def _rewind(self) -> None:
        """Go back to the last committed offsets, so nothing unforwarded is skipped."""
        for partition in self._consumer.assignment():
            committed = self._consumer.committed(partition)
            if committed is None:
                self._consumer.seek_to_beginning(partition)
            else:
                self._consumer.seek(partition, committed)

    def stop(self, *_: object) -> None:
        """Finish the batch in hand, then stop."""
        self._stopping.set()

    def close(self) -> None:
        """Close both clients."""
        self._consumer.close()
        self._producer.close()


def main() -> None:
    """Run the bridge until SIGTERM or SIGINT."""
    configure_logging(service="partner-bridge")
    logging.getLogger("kafka").setLevel(logging.WARNING)
    settings = get_settings()
    bridge = PartnerBridge(settings=settings, access=kafka_access(settings, default_user=BRIDGE))

    def stop(_signal: int, _frame: FrameType | None) -> None:
        bridge.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        bridge.run()
    finally:
        bridge.close()


if __name__ == "__main__":
    main()
