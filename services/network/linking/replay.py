"""Rebuild the graph from Kafka, the system of record: the reports with the worker's use case,
then the retractions, then analysts' decisions in the order they were made."""

import asyncio
import logging
import uuid
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from kafka import KafkaConsumer, TopicPartition
from neo4j import AsyncDriver, AsyncGraphDatabase
from pydantic import ValidationError

from common.kafka_access import NETWORK, kafka_access
from common.keys import person_id_key
from common.settings import InfraSettings
from schemas import topics
from schemas.reports import ReportSubmitted
from schemas.resolution import ResolutionDecided
from schemas.retractions import ReportRetracted
from services.network.decision_writes import decision_row
from services.network.linking import queries
from services.network.linking.graph import Neo4jGraphStore, link_batch
from services.network.linking.retractions import withdraw_retracted

log = logging.getLogger(__name__)
POLL_MS = 1000
REPLAY_BATCH = 500  # reports resolved and written per transaction, in the order read
WIPE_BATCH = 5000


@dataclass
class ReplayOutcome:
    """What a replay did."""

    linked: int = 0
    unreadable: int = 0
    retracted: int = 0
    decisions: int = 0
    missing_topics: list[str] = field(default_factory=list)


class MissingTopic(Exception):
    """The topic to replay does not exist on the broker."""


def _end_offsets(
    consumer: KafkaConsumer, topic: str
) -> tuple[list[TopicPartition], dict[TopicPartition, int], int]:
    known = consumer.partitions_for_topic(topic)
    if not known:
        raise MissingTopic(topic)
    partitions = [TopicPartition(topic, p) for p in sorted(known)]
    start = consumer.beginning_offsets(partitions)
    end = consumer.end_offsets(partitions)
    return partitions, end, sum(end[p] - start[p] for p in partitions)


async def _in_time_order(
    consumer: KafkaConsumer, partitions: list[TopicPartition], end: dict[TopicPartition, int]
) -> AsyncIterator[Any]:
    """Records up to the end offsets, merged across partitions (of one topic or several) by
    (timestamp, topic, partition)."""
    consumer.assign(partitions)
    consumer.seek_to_beginning(*partitions)
    buffers: dict[TopicPartition, deque[Any]] = {p: deque() for p in partitions}
    done = {p for p in partitions if consumer.position(p) >= end[p]}
    while True:
        waiting = [p for p in partitions if p not in done and not buffers[p]]
        if waiting:
            batch = await asyncio.to_thread(consumer.poll, timeout_ms=POLL_MS)
            for partition, records in batch.items():
                buffers[partition].extend(r for r in records if r.offset < end[partition])
            for p in partitions:
                if p not in done and consumer.position(p) >= end[p]:
                    done.add(p)
            continue
        ready = [p for p in partitions if buffers[p]]
        if not ready:
            return
        first = min(ready, key=lambda p: (buffers[p][0].timestamp, p.topic, p.partition))
        yield buffers[first].popleft()


async def wipe(driver: AsyncDriver, database: str) -> int:
    """Delete every report, entity and match key in batches; keep audit and decisions."""
    total = 0
    while True:
        records, _, _ = await driver.execute_query(
            queries.DELETE_GRAPH_BATCH, batch=WIPE_BATCH, database_=database
        )
        deleted = int(records[0]["deleted"])
        total += deleted
        if deleted == 0:
            return total


async def _reapply_decisions(driver: AsyncDriver, database: str, store: Neo4jGraphStore) -> int:
    """Re-apply every recorded decision in order; say how many found their people again."""
    records, _, _ = await driver.execute_query(queries.DECISIONS_IN_ORDER, database_=database)
    applied = 0
    for decision in records:
        applied += int(await store.apply_decision(decision.data()))
    return applied


async def _events(
    consumer: KafkaConsumer, topic: str | None, outcome: ReplayOutcome
) -> AsyncIterator[bytes]:
    """The values on a topic in Kafka's time order; none when the topic does not exist."""
    if topic is None:
        return
    try:
        partitions, end, _ = _end_offsets(consumer, topic)
    except MissingTopic:
        log.warning("topic %s does not exist; nothing read from it", topic)
        outcome.missing_topics.append(topic)
        return
    async for record in _in_time_order(consumer, partitions, end):
        yield record.value


def _reports_partitions(
    consumer: KafkaConsumer, topic: str, bulk_topic: str | None, outcome: ReplayOutcome
) -> tuple[list[TopicPartition], dict[TopicPartition, int], int]:
    """The partitions of the live reports topic and of the bulk one, their end offsets, and
    how many reports they hold; a bulk topic that does not exist is noted and left out."""
    partitions, end, total = _end_offsets(consumer, topic)
    if bulk_topic is not None:
        try:
            more, more_end, more_total = _end_offsets(consumer, bulk_topic)
        except MissingTopic:
            log.warning("topic %s does not exist; nothing read from it", bulk_topic)
            outcome.missing_topics.append(bulk_topic)
        else:
            partitions, end, total = partitions + more, {**end, **more_end}, total + more_total
    return partitions, end, total


async def replay(
    *,
    settings: InfraSettings,
    topic: str,
    wipe_first: bool,
    bulk_topic: str | None = None,
    retractions_topic: str | None = topics.RETRACTIONS,
    decisions_topic: str | None = topics.RESOLUTION_DECISIONS,
    on_total: Callable[[int], None] = lambda _: None,
    on_progress: Callable[[int], None] = lambda _: None,
) -> ReplayOutcome:
    """Link every report on the topic and on the bulk-lane topic, merged in Kafka's time order,
    withdraw the retracted ones, then re-apply analysts' decisions (from their topic and the
    graph) in the order they were made.

    `tessera replay` names the bulk topic (`topics.REPORTS_BULK`); None reads only `topic`.
    A report already in the graph is left as it is, so replaying onto a graph that holds some
    of the reports changes nothing for them; retractions and decisions apply once.
    """
    outcome = ReplayOutcome()
    driver = AsyncGraphDatabase.driver(
        settings.neo4j_uri,
        auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
    )
    consumer = KafkaConsumer(
        **kafka_access(settings, default_user=NETWORK).client_options(),
        group_id=None,
        enable_auto_commit=False,
        client_id="tessera-replay",
    )
    try:
        if wipe_first:
            await wipe(driver, settings.neo4j_database)
        partitions, end, total = _reports_partitions(consumer, topic, bulk_topic, outcome)
        on_total(total)
        store = Neo4jGraphStore(driver=driver, database=settings.neo4j_database)
        batch: list[ReportSubmitted] = []

        async def link_pending() -> None:
            await link_batch(
                driver=driver,
                database=settings.neo4j_database,
                events=batch,
                now=datetime.now(UTC),
                new_id=uuid.uuid4,
                id_key=person_id_key(settings),
            )
            outcome.linked += len(batch)
            on_progress(len(batch))
            batch.clear()

        # In the order Kafka stamped the reports across partitions and both lanes (within a
        # partition, one subject's events, the order is kept): close to the order the workers
        # saw them in, and a repeatable one, so a replay into an empty graph gives the same
        # graph.
        async for record in _in_time_order(consumer, partitions, end):
            try:
                batch.append(ReportSubmitted.from_wire(record.value))
            except ValidationError:
                outcome.unreadable += 1
                on_progress(1)
            if len(batch) == REPLAY_BATCH:
                await link_pending()
        if batch:
            await link_pending()
        async for value in _events(consumer, retractions_topic, outcome):
            try:
                retraction = ReportRetracted.from_wire(value)
            except ValidationError:
                outcome.unreadable += 1
                continue
            await withdraw_retracted(
                event=retraction, graph=store, now=datetime.now(UTC), new_id=uuid.uuid4
            )
            outcome.retracted += 1
        # Decisions read from Kafka join those the graph kept (made before the topic existed,
        # or in a graph that was not wiped); all are then re-applied in the order made.
        async for value in _events(consumer, decisions_topic, outcome):
            try:
                decision = ResolutionDecided.from_wire(value)
            except ValidationError:
                outcome.unreadable += 1
                continue
            await store.record_decision(decision_row(decision))
        outcome.decisions = await _reapply_decisions(driver, settings.neo4j_database, store)
    finally:
        consumer.close()
        await driver.close()
    return outcome
