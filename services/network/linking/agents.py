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
from common.pipeline import Pipeline
from common.validation import field_errors
from schemas.linking import EntitiesLinked
from schemas.reports import ReportRejected, ReportSubmitted
from schemas.resolution import ResolutionDecided
from schemas.retractions import ReportRetracted
from services.network.config import Settings
from services.network.linking.graph import Neo4jGraphStore, link_batch, link_prepared_batch
from services.network.linking.reports import BatchLinked, PreparedReport, prepare_report
from services.network.linking.retractions import withdraw_retracted

log = logging.getLogger(__name__)

# Outages: retried with backoff for as long as they last; the offset does not move meanwhile.
RETRYABLE = (ServiceUnavailable, SessionExpired, TransientError, OSError)
# Kafka away while an event is sent: retried too. faust acks a batch even when its agent
# crashed, so an event that was never sent would leave a written report unannounced for good.
SEND_RETRYABLE = (KafkaError, ProducerSendError, OSError)

T = TypeVar("T")
# What linking a batch did to each message (its event, or why it was parked), and the automatic
# decisions it made.
Outcomes = tuple[list[EntitiesLinked | str], list[ResolutionDecided]]
Event = faust.types.EventT[bytes]


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


async def prepare(values: list[bytes], *, settings: Settings) -> list[PreparedReport | None]:
    """Each message parsed and prepared (reports.prepare_report), giving way to the batch being
    linked between messages; None for one that cannot be (its batch is then linked message by
    message, which names the culprit)."""
    key = person_id_key(settings)
    prepared: list[PreparedReport | None] = []
    for value in values:
        try:
            prepared.append(prepare_report(ReportSubmitted.from_wire(value), id_key=key))
        except Exception:  # noqa: BLE001 - the message-by-message path says why
            prepared.append(None)
        await asyncio.sleep(0)
    return prepared


async def _link_batch_or_each(
    values: list[bytes],
    prepared: list[PreparedReport | None],
    *,
    neo4j: Neo4jConnection,
    settings: Settings,
) -> Outcomes:
    """Link the batch (prepared, unless a message could not be) in one transaction; if that
    fails for any reason but an outage, link each message alone, so one poison message costs its
    batch a slower path, not its reports. Each message's outcome, and the automatic decisions
    linking made."""
    reports = [p for p in prepared if p is not None]
    if len(reports) == len(values):

        async def write() -> BatchLinked:
            return await link_prepared_batch(
                driver=neo4j.driver,
                database=settings.neo4j_database,
                reports=reports,
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

    async def link_lane(
        stream: faust.StreamT[bytes],
        *,
        on: faust.TopicT,
        turn: Callable[[Awaitable[Outcomes]], Awaitable[Outcomes]],
        size: int,
    ) -> None:
        """Link a lane's reports in order, in a pipeline (common/pipeline.py): messages are
        parsed and prepared as they arrive (NETWORK_BATCH_WITHIN_S apart at most) while the
        batch before is written, the linker takes all that is ready (up to `size`) when it is
        free, and a batch is announced while the next is written. Offsets are acknowledged only
        once a batch was written and its events sent, in order. `turn` runs a batch's linking in
        its lane's turn."""

        async def prepare_chunk(events: list[Event]) -> list[PreparedReport | None]:
            return await prepare([event.value for event in events], settings=settings)

        async def link(batch: list[tuple[Event, PreparedReport | None]]) -> Outcomes:
            values: list[bytes] = [event.value for event, _ in batch]
            prepared = [report for _, report in batch]
            return await turn(_link_batch_or_each(values, prepared, neo4j=neo4j, settings=settings))

        async def announce(batch: list[Event], outcomes: Outcomes) -> None:
            """Send what the batch linked (on its lane's linked topic) or why not, then
            acknowledge its offsets."""
            linked, decided = outcomes
            await send(
                # Automatic merges (already in the graph) on the decisions topic, for replays
                *((decisions, d.partition_key(), d.model_dump_json().encode()) for d in decided),
                *(
                    (dead_letters, event.key, dead_letter(value=event.value, reason=outcome))
                    if isinstance(outcome, str)
                    else (on, str(outcome.report_id).encode(), outcome.model_dump_json().encode())
                    for event, outcome in zip(batch, linked, strict=True)
                ),
            )
            for event in batch:
                await stream.ack(event)
            done = [outcome.report_id for outcome in linked if not isinstance(outcome, str)]
            # One line a batch: a line a report was 4% of the worker's samples (RESULTS.md).
            log.info(
                "linked %d reports (%d to the dead-letter topic)",
                len(done),
                len(linked) - len(done),
            )
            for report_id in done:
                log.debug("report linked id=%s", report_id)

        pipeline = Pipeline(size=size, prepare=prepare_chunk, work=link, finish=announce)
        await pipeline.run(arriving(stream, size))

    def arriving(stream: faust.StreamT[bytes], size: int) -> AsyncIterator[list[Event]]:
        """The stream's messages as they arrive, unacknowledged, `size` at most a chunk and
        NETWORK_BATCH_WITHIN_S apart at most."""
        # faust's StreamT protocol does not declare noack_take; its Stream implements it.
        take = stream.noack_take  # type: ignore[attr-defined]
        chunks: AsyncIterator[list[Event]] = take(size, within=settings.network_batch_within_s)
        return chunks

    async def live_turn(linking: Awaitable[Outcomes]) -> Outcomes:
        async with lanes.live():
            return await linking

    async def bulk_turn(linking: Awaitable[Outcomes]) -> Outcomes:
        await lanes.bulk_turn()
        return await linking

    @app.agent(reports)
    async def link_reports(stream: faust.StreamT[bytes]) -> None:
        """Link live reports into the graph."""
        await link_lane(stream, on=linked, turn=live_turn, size=settings.network_batch_size)

    @app.agent(bulk_reports)
    async def link_bulk_reports(stream: faust.StreamT[bytes]) -> None:
        """Link bulk-lane reports the same way, in smaller batches, each once the live agent
        holds no work, and announce them on the bulk linked topic."""
        await link_lane(
            stream, on=bulk_linked, turn=bulk_turn, size=settings.network_bulk_batch_size
        )

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
