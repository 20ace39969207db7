"""An alert change of megabytes is published by a worker's own app and read back, on the real
broker.

A county-wide place's shared-hotspot alert at a million reports cites about 2,500 sightings:
its event was 1.8 MB of JSON (bench/RESULTS.md, twenty-eighth session), over faust's default
limit on what a producer sends (1,000,000 bytes). Its change could never have been published,
and the alert outbox, which publishes changes in order, would have held every later alert
change behind it. The workers' apps (`create_stream_app`) now send events of up to 16 MiB,
compressed, and the topic's readers fetch them with the workers' own fetch size.
"""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from aiokafka import AIOKafkaConsumer, ConsumerRecord

from common.adapters.streaming import FETCH_BYTES, create_stream_app
from common.kafka_access import ALERTS, KafkaAccess
from common.settings import InfraSettings
from schemas.alerts import (
    AlertRaised,
    AlertStatus,
    AlertSubject,
    AlertType,
    Evidence,
    Priority,
    Subgraph,
    SubgraphEdge,
    SubgraphNode,
)

pytestmark = pytest.mark.integration

FAUST_DEFAULT_LIMIT = 1_000_000  # faust's producer_max_request_size, before


def _county_hotspot_alert(sightings: int) -> AlertRaised:
    """A synthetic shared-hotspot alert citing `sightings` reports of half as many children."""
    now = datetime.now(UTC).replace(microsecond=0)
    place = f"location:{uuid.uuid4().hex[:20]}"
    children = [f"person:{uuid.uuid4().hex[:20]}" for _ in range(sightings // 2)]
    reports = [uuid.uuid4() for _ in range(sightings)]
    return AlertRaised(
        event_id=uuid.uuid4(),
        occurred_at=now,
        alert_id=uuid.uuid4(),
        type=AlertType.SHARED_HOTSPOT,
        fingerprint=f"shared_hotspot:{place}",
        status=AlertStatus.OPEN,
        priority=Priority.HIGH,
        summary=f"{len(children)} young people seen at Synthetic Shopping Centre",
        subjects=(
            AlertSubject(kind="location", id=place, display_name="Synthetic Shopping Centre"),
            *(
                AlertSubject(kind="person", id=child, display_name=f"Synthetic Child {i}")
                for i, child in enumerate(children)
            ),
        ),
        evidence=tuple(
            Evidence(report_id=r, observed_at=now - timedelta(minutes=i), grading="2B P")
            for i, r in enumerate(reports)
        ),
        raised_at=now - timedelta(days=30),
        updated_at=now,
        subgraph=Subgraph(
            nodes=(
                SubgraphNode(id=place, kind="location", label="Synthetic Shopping Centre"),
                *(
                    SubgraphNode(id=child, kind="person", label=f"Synthetic Child {i}")
                    for i, child in enumerate(children)
                ),
            ),
            edges=tuple(
                SubgraphEdge(
                    source=children[i // 2], target=place, type="SEEN_AT", report_ids=(str(r),)
                )
                for i, r in enumerate(reports)
            ),
        ),
        visibility=tuple(("all",) for _ in reports),
    )


def _publish(settings: InfraSettings, topic: str, alert: AlertRaised) -> None:
    """Send the change as the alert worker does: its own app's producer, acks=all."""

    async def send() -> None:
        app, _ = create_stream_app(
            app_id=f"test-{uuid.uuid4().hex[:8]}", settings=settings, principal=ALERTS
        )
        producer = app.producer
        await producer.start()
        try:
            acknowledged = await producer.send(
                topic,
                alert.fingerprint.encode(),
                alert.model_dump_json().encode(),
                partition=None,
                timestamp=None,
                headers=None,
            )
            await acknowledged
        finally:
            await producer.stop()

    asyncio.run(send())


def _read_one(kafka: KafkaAccess, topic: str) -> ConsumerRecord[bytes, bytes]:
    """The topic's first message, read as the webhook agent reads the alerts topic: aiokafka
    (under faust) fetching at most the workers' fetch size of a partition at a time."""
    options = kafka.client_options()

    async def read() -> ConsumerRecord[bytes, bytes]:
        consumer = AIOKafkaConsumer(
            topic,
            bootstrap_servers=options["bootstrap_servers"],
            security_protocol=options["security_protocol"],
            sasl_mechanism=options["sasl_mechanism"],
            sasl_plain_username=options["sasl_plain_username"],
            sasl_plain_password=options["sasl_plain_password"],
            ssl_context=kafka.ssl_context(),
            group_id=f"test-{uuid.uuid4().hex}",
            auto_offset_reset="earliest",
            max_partition_fetch_bytes=FETCH_BYTES,  # smaller than the event
        )
        await consumer.start()
        try:
            return await asyncio.wait_for(consumer.getone(), timeout=30)
        finally:
            await consumer.stop()

    return asyncio.run(read())


def test_a_county_hotspots_alert_change_is_published_and_read_back_whole(
    settings: InfraSettings, kafka: KafkaAccess, topic: str
) -> None:
    alert = _county_hotspot_alert(sightings=6_000)
    body = alert.model_dump_json().encode()
    assert len(body) > 2 * FAUST_DEFAULT_LIMIT  # what the default would have refused

    _publish(settings, topic, alert)

    message = _read_one(kafka, topic)
    assert message.key == alert.fingerprint.encode()
    assert AlertRaised.model_validate_json(message.value) == alert
