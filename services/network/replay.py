"""Rebuild the graph from the reports topic, the system of record, with the worker's use case."""

import asyncio
import logging
import uuid
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kafka import KafkaConsumer, TopicPartition
from neo4j import AsyncDriver, AsyncGraphDatabase
from pydantic import ValidationError

from common.settings import InfraSettings
from schemas.reports import ReportSubmitted
from services.network import queries
from services.network.graph import Neo4jGraphStore, Neo4jPersonIndex
from services.network.linking import link_report

log = logging.getLogger(__name__)
POLL_MS = 1000
WIPE_BATCH = 5000


@dataclass
class ReplayOutcome:
    """What a replay did."""

    linked: int = 0
    unreadable: int = 0
    decisions: int = 0


def _end_offsets(
    consumer: KafkaConsumer, topic: str
) -> tuple[list[TopicPartition], dict[TopicPartition, int], int]:
    partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic))]
    start = consumer.beginning_offsets(partitions)
    end = consumer.end_offsets(partitions)
    return partitions, end, sum(end[p] - start[p] for p in partitions)


async def _in_time_order(
    consumer: KafkaConsumer, partitions: list[TopicPartition], end: dict[TopicPartition, int]
) -> AsyncIterator[Any]:
    """Records up to the end offsets, merged across partitions by (timestamp, partition)."""
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
        first = min(ready, key=lambda p: (buffers[p][0].timestamp, p.partition))
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


async def _reapply_decisions(driver: AsyncDriver, database: str) -> int:
    """Re-apply every decision whose candidate exists again; say how many did."""
    records, _, _ = await driver.execute_query(queries.DECISIONS_IN_ORDER, database_=database)
    applied = 0
    for decision in records:
        done, _, _ = await driver.execute_query(
            queries.REAPPLY_DECISION,
            candidate_id=decision["candidate_id"],
            decision_id=decision["id"],
            database_=database,
        )
        applied += int(done[0]["applied"]) if done else 0
    return applied


async def replay(
    *,
    settings: InfraSettings,
    topic: str,
    wipe_first: bool,
    on_total: Callable[[int], None] = lambda _: None,
    on_progress: Callable[[int], None] = lambda _: None,
) -> ReplayOutcome:
    """Link every report on the topic, in partition order, then re-apply analysts' decisions.

    Linking is idempotent by report id, so replaying onto a graph that already holds some of
    the reports changes nothing for them.
    """
    outcome = ReplayOutcome()
    driver = AsyncGraphDatabase.driver(
        settings.neo4j_uri,
        auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
    )
    consumer = KafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        group_id=None,
        enable_auto_commit=False,
        client_id="tessera-replay",
    )
    try:
        if wipe_first:
            await wipe(driver, settings.neo4j_database)
        partitions, end, total = _end_offsets(consumer, topic)
        on_total(total)
        store = Neo4jGraphStore(driver=driver, database=settings.neo4j_database)
        index = Neo4jPersonIndex(driver=driver, database=settings.neo4j_database)
        # In the order Kafka stamped the reports across partitions (within a partition, one
        # subject's events, the order is kept): the order the live worker saw them in, and a
        # repeatable one, so a replay into an empty graph gives the same graph.
        async for record in _in_time_order(consumer, partitions, end):
            try:
                event = ReportSubmitted.from_wire(record.value)
            except ValidationError:
                outcome.unreadable += 1
            else:
                await link_report(
                    event=event, graph=store, people=index, now=datetime.now(UTC), new_id=uuid.uuid4
                )
                outcome.linked += 1
            on_progress(1)
        outcome.decisions = await _reapply_decisions(driver, settings.neo4j_database)
    finally:
        consumer.close()
        await driver.close()
    return outcome
