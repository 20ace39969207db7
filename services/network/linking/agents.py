"""Faust agents of the network service: link reports and withdraw retracted ones; poison
messages to the dead letters."""

import asyncio
import logging
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import TypeVar
from uuid import uuid4

import faust
from aiokafka.errors import KafkaError
from faust.exceptions import ProducerSendError
from neo4j.exceptions import ClientError, ServiceUnavailable, SessionExpired, TransientError
from pydantic import ValidationError
from tenacity import AsyncRetrying, before_sleep_log, retry_if_exception_type, wait_exponential

from common.adapters.streaming import Neo4jConnection
from common.keys import person_id_key
from common.lanes import LiveFirst
from common.validation import field_errors
from schemas.linking import EntitiesLinked
from schemas.reports import ReportRejected, ReportSubmitted
from schemas.resolution import ResolutionDecided
from schemas.retractions import ReportRetracted
from services.network.config import Settings
from services.network.linking.graph import Neo4jGraphStore, link_batch
from services.network.linking.reports import BatchLinked
from services.network.linking.retractions import withdraw_retracted

log = logging.getLogger(__name__)

# Outages: retried with backoff for as long as they last; the offset does not move meanwhile.
RETRYABLE = (ServiceUnavailable, SessionExpired, TransientError, OSError)
# Kafka away while an event is sent: retried too. faust acks a batch even when its agent
# crashed, so an event that was never sent would leave a written report unannounced for good.
SEND_RETRYABLE = (KafkaError, ProducerSendError, OSError)

T = TypeVar("T")
# Messages of the bulk reports topic the worker holds in memory before it pauses fetching them.
BULK_BUFFER = 20_000


class PoisonMessage(Exception):
    """A message that can never be linked, whatever we retry."""


def dead_letter(*, value: bytes, reason: str) -> bytes:
    """Wrap an unusable message with the reason it was rejected."""
    return (
        ReportRejected(
            reason=reason,
            rejected_at=datetime.now(UTC),
            original=value.decode("utf-8", errors="replace"),
        )
        .model_dump_json()
        .encode()
    )


async def _retrying(
    write: Callable[[], Awaitable[T]],
    *,
    settings: Settings,
    retryable: tuple[type[BaseException], ...] = RETRYABLE,
) -> T:
    """Run a graph write (or a send), retrying outages with backoff for as long as they last."""
    async for attempt in AsyncRetrying(
        retry=retry_if_exception_type(retryable),
        wait=wait_exponential(multiplier=0.5, max=settings.network_retry_max_wait_s),
        before_sleep=before_sleep_log(log, logging.WARNING),
        reraise=True,
    ):
        with attempt:
            try:
                return await write()
            except ClientError as error:  # the data itself is unacceptable to Neo4j
                # Neo4j's message may quote a property's value; its code names the refusal.
                raise PoisonMessage(f"Neo4j refused the message: {error.code}") from error
    raise AssertionError("unreachable: tenacity re-raises the last error")


async def _link(value: bytes, *, neo4j: Neo4jConnection, settings: Settings) -> BatchLinked:
    try:
        report = ReportSubmitted.from_wire(value)
    except ValidationError as error:
        raise PoisonMessage(f"not a valid ReportSubmitted event: {field_errors(error)}") from None

    async def write() -> BatchLinked:
        return await link_batch(
            driver=neo4j.driver,
            database=settings.neo4j_database,
            events=[report],
            now=datetime.now(UTC),
            new_id=uuid4,
            id_key=person_id_key(settings),
        )

    return await _retrying(write, settings=settings)


async def withdraw(value: bytes, *, neo4j: Neo4jConnection, settings: Settings) -> EntitiesLinked:
    """Withdraw the retracted report a message names; PoisonMessage if it can never be."""
    try:
        retraction = ReportRetracted.from_wire(value)
    except ValidationError as error:
        raise PoisonMessage(f"not a valid ReportRetracted event: {field_errors(error)}") from None

    async def write() -> EntitiesLinked:
        store = Neo4jGraphStore(driver=neo4j.driver, database=settings.neo4j_database)
        return await withdraw_retracted(
            event=retraction, graph=store, now=datetime.now(UTC), new_id=uuid4
        )

    return await _retrying(write, settings=settings)


async def _or_reason(
    handle: Callable[..., Awaitable[T]],
    value: bytes,
    *,
    neo4j: Neo4jConnection,
    settings: Settings,
) -> T | str:
    """Handle the message, or say why it can never be handled. The reason, logged and kept
    beside the message, names fields and kinds of error, never the message's values."""
    try:
        return await handle(value, neo4j=neo4j, settings=settings)
    except PoisonMessage as error:
        log.warning("message parked on the dead-letter topic: %s", str(error)[:500])
        return str(error)
    # A crashed faust agent acks the message it crashed on (faust-streaming issue 315), so
    # anything unexpected is parked with its reason rather than lost. Its text may quote the
    # message, so only its type and where it was raised are told.
    except Exception as error:
        log.error(
            "unexpected %s; message parked on the dead-letter topic\n%s",
            type(error).__name__,
            "".join(traceback.format_tb(error.__traceback__)),
        )
        return f"unexpected error while handling the message: {type(error).__name__}"


async def _link_batch_or_each(
    values: list[bytes], *, neo4j: Neo4jConnection, settings: Settings
) -> tuple[list[EntitiesLinked | str], list[ResolutionDecided]]:
    """Link the batch in one transaction; if that fails for any reason but an outage, link
    each message alone, so one poison message costs its batch a slower path, not its reports.
    Each message's outcome, and the automatic decisions linking made."""
    try:
        events = [ReportSubmitted.from_wire(value) for value in values]
    except ValidationError:
        events = []
    if events:

        async def write() -> BatchLinked:
            return await link_batch(
                driver=neo4j.driver,
                database=settings.neo4j_database,
                events=events,
                now=datetime.now(UTC),
                new_id=uuid4,
                id_key=person_id_key(settings),
            )

        try:
            batch = await _retrying(write, settings=settings)
            return list(batch.linked), batch.decided
        except Exception:  # noqa: BLE001 - the message-by-message path below names the culprit
            log.warning("batch of %d failed; linking its messages one by one", len(values))
    outcomes: list[EntitiesLinked | str] = []
    decided: list[ResolutionDecided] = []
    for value in values:
        outcome = await _link_or_reason(value, neo4j=neo4j, settings=settings)
        if isinstance(outcome, str):
            outcomes.append(outcome)
        else:
            outcomes += outcome.linked
            decided += outcome.decided
    return outcomes, decided


async def _link_or_reason(
    value: bytes, *, neo4j: Neo4jConnection, settings: Settings
) -> BatchLinked | str:
    """Link the message, or say why it can never be linked."""
    return await _or_reason(_link, value, neo4j=neo4j, settings=settings)


def register_agents(*, app: faust.App, settings: Settings, neo4j: Neo4jConnection) -> None:
    """Attach the linking agents (live and bulk lanes) and the withdrawing agent to the app."""
    lanes = LiveFirst()
    reports = app.topic(settings.network_reports_topic, value_type=bytes, value_serializer="raw")
    bulk_reports = app.topic(
        settings.network_bulk_reports_topic,
        value_type=bytes,
        value_serializer="raw",
        # Room for a few fetches, so the consumer rarely waits for the bulk agent to take
        # messages before it hands the live agent its own (faust pauses a full partition).
        maxsize=BULK_BUFFER,
    )
    bulk_linked = app.topic(
        settings.network_bulk_entities_linked_topic, value_type=bytes, value_serializer="raw"
    )
    retractions = app.topic(
        settings.network_retractions_topic, value_type=bytes, value_serializer="raw"
    )
    dead_letters = app.topic(
        settings.network_dead_letter_topic, value_type=bytes, value_serializer="raw"
    )
    linked = app.topic(
        settings.network_entities_linked_topic, value_type=bytes, value_serializer="raw"
    )
    decisions = app.topic(
        settings.network_decisions_topic, value_type=bytes, value_serializer="raw"
    )

    async def send(*messages: tuple[faust.TopicT, bytes | None, bytes]) -> None:
        """Send the messages together and wait until Kafka acknowledged all of them, sending
        them all again while Kafka is away (a repeated event changes nothing downstream)."""

        async def once() -> None:
            sent = [await topic.send(key=key, value=value) for topic, key, value in messages]
            await asyncio.gather(*sent)

        await _retrying(once, settings=settings, retryable=SEND_RETRYABLE)

    async def link_and_announce(
        batch: list[faust.types.EventT[bytes]], announce_on: faust.TopicT
    ) -> None:
        """Link a batch, and send what it linked (on its lane's linked topic) or why not,
        before faust acks its offsets."""
        values: list[bytes] = [event.value for event in batch]
        outcomes, decided = await _link_batch_or_each(values, neo4j=neo4j, settings=settings)
        await send(
            # Automatic merges (already in the graph) on the decisions topic, for replays
            *((decisions, d.partition_key(), d.model_dump_json().encode()) for d in decided),
            *(
                (dead_letters, event.key, dead_letter(value=event.value, reason=outcome))
                if isinstance(outcome, str)
                else (
                    announce_on,
                    str(outcome.report_id).encode(),
                    outcome.model_dump_json().encode(),
                )
                for event, outcome in zip(batch, outcomes, strict=True)
            ),
        )
        for outcome in outcomes:
            if not isinstance(outcome, str):
                log.info("report linked id=%s", outcome.report_id)

    def batches(stream: faust.StreamT[bytes]) -> AsyncIterator[list[faust.types.EventT[bytes]]]:
        """Up to NETWORK_BATCH_SIZE events, or what arrived within NETWORK_BATCH_WITHIN_S."""
        # faust's StreamT protocol does not declare take_events; its Stream implements it.
        take = stream.take_events  # type: ignore[attr-defined]
        taken: AsyncIterator[list[faust.types.EventT[bytes]]] = take(
            settings.network_batch_size, within=settings.network_batch_within_s
        )
        return taken

    @app.agent(reports)
    async def link_reports(stream: faust.StreamT[bytes]) -> None:
        """Link live reports in batches into the graph; faust acks a batch's offsets only
        after the batch was written and its events sent."""
        async for batch in batches(stream):
            async with lanes.live():
                await link_and_announce(batch, linked)

    @app.agent(bulk_reports)
    async def link_bulk_reports(stream: faust.StreamT[bytes]) -> None:
        """Link bulk-lane reports the same way, each batch once the live agent holds no work,
        and announce them on the bulk linked topic."""
        async for batch in batches(stream):
            await lanes.bulk_turn()
            await link_and_announce(batch, bulk_linked)

    @app.agent(retractions)
    async def withdraw_retractions(stream: faust.StreamT[bytes]) -> None:
        """Withdraw each retracted report's links; offsets advance only after the write."""
        async for event in stream.events():
            value: bytes = event.value
            outcome = await _or_reason(withdraw, value, neo4j=neo4j, settings=settings)
            if isinstance(outcome, str):
                await send((dead_letters, event.key, dead_letter(value=value, reason=outcome)))
                continue
            await send(
                (linked, str(outcome.report_id).encode(), outcome.model_dump_json().encode())
            )
            log.info("report withdrawn id=%s", outcome.report_id)
