"""An alert change of megabytes is published by a worker's own app and read back, on the real
broker.

A county-wide place's shared-hotspot alert at a million reports cites about 2,500 sightings:
its event was 1.8 MB of JSON (bench/RESULTS.md, twenty-eighth session), over faust's default
limit on what a producer sends (1,000,000 bytes). Its change could never have been published,
and the alert outbox, which publishes changes in order, would have held every later alert
change behind it. The workers' apps (`create_stream_app`) now send events of up to 16 MiB,
compressed, and the topic's readers fetch them with the workers' own fetch size.

A change larger still, which Kafka will never take, is set aside with the reason and the
changes after it are published (services/alerts/outbox.py); `tessera outbox retry` queues it
again.
"""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from aiokafka import AIOKafkaConsumer, ConsumerRecord
from neo4j import Driver
from typer.testing import CliRunner

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
from services.alerts import queries
from services.alerts.outbox import publish_unpublished
from services.alerts.ports import HistoryEntry
from services.alerts.publisher import sender
from services.alerts.store import Neo4jAlertStore
from tessera_cli.main import app as cli
from tests.support import queries as test_queries
from tests.support.kafka_reading import read_values
from tests.support.linking import async_driver

pytestmark = pytest.mark.integration

FAUST_DEFAULT_LIMIT = 1_000_000  # faust's producer_max_request_size, before


def _county_hotspot_alert(sightings: int, *, minutes_ago: int = 0) -> AlertRaised:
    """A synthetic shared-hotspot alert citing `sightings` reports of half as many children."""
    now = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=minutes_ago)
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


def _save_and_drain(
    settings: InfraSettings, outbox: str, changes: list[AlertRaised]
) -> list[AlertRaised]:
    """Save the changes into the outbox, then drain it as the alert worker does: its own app's
    producer and send, the real store."""

    async def run() -> list[AlertRaised]:
        app, _ = create_stream_app(
            app_id=f"test-{uuid.uuid4().hex[:8]}", settings=settings, principal=ALERTS
        )
        topic = app.topic(outbox, value_type=bytes, value_serializer="raw")
        await app.producer.start()
        try:
            async with async_driver(settings) as driver:
                store = Neo4jAlertStore(
                    driver=driver, database=settings.neo4j_database, outbox=outbox
                )
                last: dict[uuid.UUID, uuid.UUID] = {}  # each alert's latest change saved
                for change in changes:
                    entry = HistoryEntry(
                        at=change.updated_at, by="test", action="raised", status=change.status
                    )
                    replaces = last.get(change.alert_id)
                    await store.save(change, anchor_id=None, history=entry, replaces=replaces)
                    last[change.alert_id] = change.event_id
                return await publish_unpublished(outbox=store, send=sender(topic))
        finally:
            await app.producer.stop()

    return asyncio.run(run())


def test_a_change_kafka_will_never_take_is_set_aside_and_the_later_changes_go_out(
    settings: InfraSettings, kafka: KafkaAccess, alerts_topic: str, neo4j_driver: Driver
) -> None:
    before = _county_hotspot_alert(sightings=2, minutes_ago=3)
    too_large = _county_hotspot_alert(sightings=50_000, minutes_ago=2)
    after = _county_hotspot_alert(sightings=4, minutes_ago=1)
    size = len(too_large.model_dump_json().encode())
    assert size > settings.stream_max_event_bytes
    try:
        published = _save_and_drain(settings, alerts_topic, [before, too_large, after])

        assert published == [before, after]
        values = read_values(kafka, alerts_topic, 2)
        assert [AlertRaised.model_validate_json(v) for v in values] == [before, after]
        set_aside, _, _ = neo4j_driver.execute_query(queries.SET_ASIDE_CHANGES, outbox=alerts_topic)
        assert [(r["event_id"], r["superseded"]) for r in set_aside] == [
            (str(too_large.event_id), False)
        ]
        assert f"an event of {size:,} bytes, over Kafka's size limit" in set_aside[0]["reason"]
        # Not tried again by the next drain; listed, and queued again by hand, it waits once
        # more, whole.
        assert _save_and_drain(settings, alerts_topic, []) == []
        runner, env = CliRunner(), {"ALERTS_TOPIC": alerts_topic, "COLUMNS": "400"}
        listed = runner.invoke(cli, ["outbox", "list"], env=env)
        assert listed.exit_code == 0, listed.output
        assert str(too_large.event_id) in listed.output and "1 set aside" in listed.output
        retried = runner.invoke(cli, ["outbox", "retry"], env=env)
        assert retried.exit_code == 0, retried.output
        assert "1 change(s) queued" in retried.output
        waiting, _, _ = neo4j_driver.execute_query(
            queries.UNPUBLISHED_ALERTS, outbox=alerts_topic, limit=10
        )
        assert [AlertRaised.model_validate_json(r["body"]) for r in waiting] == [too_large]
        assert (
            "No alert change is set aside" in runner.invoke(cli, ["outbox", "list"], env=env).output
        )
    finally:
        for change in (before, too_large, after):
            neo4j_driver.execute_query(
                test_queries.DELETE_ALERT_AND_HISTORY, alert_id=str(change.alert_id)
            )


def test_a_set_aside_change_a_later_one_superseded_is_not_queued_again(
    settings: InfraSettings, kafka: KafkaAccess, alerts_topic: str, neo4j_driver: Driver
) -> None:
    too_large = _county_hotspot_alert(sightings=50_000, minutes_ago=2)
    # The same alert changed again since (a smaller version, as after a retraction).
    later = too_large.model_copy(
        update={
            "event_id": uuid.uuid4(),
            "updated_at": too_large.updated_at + timedelta(minutes=1),
            "evidence": too_large.evidence[:10],
            "subgraph": Subgraph(),
            "visibility": too_large.visibility[:10],
        }
    )
    try:
        assert _save_and_drain(settings, alerts_topic, [too_large, later]) == [later]

        runner, env = CliRunner(), {"ALERTS_TOPIC": alerts_topic, "COLUMNS": "400"}
        listed = runner.invoke(cli, ["outbox", "list"], env=env).output
        assert str(too_large.event_id) in listed and "│ yes " in listed
        retried = runner.invoke(cli, ["outbox", "retry", str(too_large.event_id)], env=env)
        assert retried.exit_code == 0, retried.output
        assert "superseded by a later change of its alert" in retried.output
        assert "0 change(s) queued" in retried.output
        # Nor does the statement queue it, should a later change go out after the list was read.
        requeued = neo4j_driver.execute_query(
            queries.REQUEUE_SET_ASIDE_CHANGES, event_ids=[str(too_large.event_id)]
        )
        assert requeued.records[0]["queued"] == 0
        assert _save_and_drain(settings, alerts_topic, []) == []
        assert len(read_values(kafka, alerts_topic, 1)) == 1  # the later change only
    finally:
        neo4j_driver.execute_query(
            test_queries.DELETE_ALERT_AND_HISTORY, alert_id=str(too_large.alert_id)
        )
