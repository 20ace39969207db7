"""Faust agents of the alert service: run the detectors around what each report linked."""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import TypeVar
from uuid import uuid4

import faust
from neo4j.exceptions import ServiceUnavailable, SessionExpired, TransientError
from pydantic import ValidationError
from tenacity import AsyncRetrying, before_sleep_log, retry_if_exception_type, wait_exponential

from common.adapters.streaming import Neo4jConnection
from common.lanes import LiveFirst
from common.logs import loggable_id
from common.validation import field_errors
from schemas.alerts import AlertRaised
from schemas.linking import EntitiesLinked, EntityKind
from services.alerts.batched_reads import BatchedReads
from services.alerts.config import Settings
from services.alerts.delivery.store import PROCESS_WORKER
from services.alerts.delivery.webhooks import register_webhook_agent
from services.alerts.detection import Context, detect, slowest
from services.alerts.evidence import KnownGradings
from services.alerts.lifecycle import close_undone_by_decision, record_alert, withdraw_evidence
from services.alerts.outbox import drain_leased
from services.alerts.ports import AlertChanged, Naming
from services.alerts.publisher import sender
from services.alerts.shared.candidate import AlertCandidate
from services.alerts.shared.catch_up import CatchUp
from services.alerts.shared.full_derivations import FullDerivations
from services.alerts.shared.remembered import Remembered
from services.alerts.shared_reads import runner
from services.alerts.store import Neo4jAlertStore, Neo4jOutboxLease, SavedVersions, writer

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class WorkerMemory:
    """What an alert worker keeps from one batch to the next, so that it need not read or work
    out again what it already knows: when each place's peer groups were last worked out in
    full, what P01 last worked out at each busy place, the alerts it saved last, and the
    gradings of the reports it has read. Made once, by `register_agents`."""

    full_derivations: FullDerivations | None = None
    remembered: Remembered | None = None
    versions: SavedVersions | None = None
    gradings: KnownGradings = field(default_factory=KnownGradings)
    catch_up: CatchUp | None = None  # the places whose full pass is left to the bulk lane

    @classmethod
    def of(cls, settings: Settings) -> "WorkerMemory":
        """A worker's, with the periods its settings give for working things out in full, the
        grace the bulk lane has to do so, and the alert versions they keep."""
        catch_up = CatchUp(timedelta(seconds=settings.alerts_catch_up_grace_s))
        return cls(
            full_derivations=FullDerivations(
                timedelta(seconds=settings.alerts_peer_group_full_every_s), catch_up=catch_up
            ),
            remembered=Remembered(
                timedelta(seconds=settings.alerts_hotspot_full_every_s), catch_up=catch_up
            ),
            versions=SavedVersions(keep=settings.alerts_saved_versions_keep),
            catch_up=catch_up,
        )


# Outages, and another writer saving the same alert three times over: tried again.
RETRYABLE = (ServiceUnavailable, SessionExpired, TransientError, OSError, AlertChanged)


Turn = Callable[[], Awaitable[None]]


async def _no_wait() -> None:
    """The live lane's turn: at once."""


async def _detect(
    batch: list[EntitiesLinked],
    neo4j: Neo4jConnection,
    settings: Settings,
    turn: Turn,
    concurrency: int,
    memory: WorkerMemory,
    due: Sequence[str] = (),
) -> list[AlertRaised]:
    """Detect around every entity the batch linked, each entity once, a few at a time, and
    around the entities `due` (places whose full passes were left to the bulk lane).

    What is saved waits in the outbox until published. An outage around one entity stops
    the others (a task group) before the batch is tried again, so no leftover task races
    the retry into a second alert; any other error loses that entity only, logged.
    """
    # The entities examined together read each query in one statement (`batched_reads.py`),
    # with the windows of one time of detection, so that their reads are alike. Then the alerts
    # they found are recorded together: the state of their fingerprints, their open alerts and
    # their explaining subgraphs are read in one statement each, and they are saved in one.
    run = runner(neo4j.driver, settings.neo4j_database)
    together = settings.alerts_read_together
    reads = BatchedReads(run) if together else None
    saves = BatchedReads(writer(neo4j.driver, settings.neo4j_database)) if together else None
    alerts = Neo4jAlertStore(
        driver=neo4j.driver,
        database=settings.neo4j_database,
        outbox=settings.alerts_topic,
        reads=reads,
        writes=saves,
        versions=memory.versions,
    )
    cool_down = timedelta(days=settings.alerts_cool_down_days)
    raised: dict[str, AlertRaised] = {}
    for linked in (event for event in batch if event.retracted):
        for alert in await _recheck_retracted(linked, neo4j, settings, alerts):
            raised[alert.fingerprint] = alert
    # A place or person many reports in the batch touched is examined once, on the graph as
    # it is after all of them: the same alerts as one event at a time, for less work.
    # The reports that linked each entity; None once a resolution decision (no report) changed
    # it: everything about it is then examined again.
    touched_by: dict[tuple[EntityKind, str], list[str] | None] = {}
    for entity_id in due:  # touched by no report: only the full passes due are made there
        touched_by[EntityKind.of(entity_id), entity_id] = []
    for event in (event for event in batch if not event.retracted):
        for e in event.entities:
            if event.decision_id is not None:
                touched_by[e.kind, e.id] = None
            elif (reports := touched_by.setdefault((e.kind, e.id), [])) is not None:
                reports.append(str(event.report_id))
    # A decision names only the two people; the open alerts that list either (a place's, an
    # adult's) are examined again in full too, or they would list a person merged away, or one
    # person for two, until their entity is next linked.
    # Those it undoes are closed below; one closed so is brought back by one that redoes it.
    decided = await _decided(batch, alerts)
    for naming, _ in decided:
        for anchor_id in naming.anchor_ids:
            touched_by[EntityKind.of(anchor_id), anchor_id] = None
    timings: dict[str, list[float]] = {}
    context = Context(
        driver=neo4j.driver,
        database=settings.neo4j_database,
        settings=settings,
        now=datetime.now(UTC),
        reads=reads,
        timings=timings,
        full_derivations=memory.full_derivations,
        remembered=memory.remembered,
        gradings=memory.gradings,
    )
    done = await examine_and_record(
        {entity: _reports(reports) for entity, reports in touched_by.items()},
        context=context,
        store=alerts,
        concurrency=concurrency,
        cool_down=cool_down,
        turn=turn,
    )
    raised.update((saved.fingerprint, saved) for saved in done.saved)
    undone = [(n, d) for n, d in decided if n.open and n.fingerprint not in done.found]
    for alert in await _close_undone(undone, neo4j, settings, alerts):
        raised[alert.fingerprint] = alert
    log.info(
        "examined %d entities in %.2f s, recorded %d candidates in %.2f s: "
        "%d reads in %d statements, %d saves in %d; slowest detectors: %s",
        len(touched_by),
        done.examining_s,
        done.candidates,
        done.recording_s,
        reads.asked if reads else 0,
        reads.sent if reads else 0,
        saves.asked if saves else 0,
        saves.sent if saves else 0,
        slowest(timings) or "none",
    )
    return list(raised.values())


@dataclass(frozen=True, slots=True)
class Examined:
    """What `examine_and_record` did: the alerts it saved, how many candidates it found and
    which patterns, and how long finding and recording them took."""

    saved: list[AlertRaised]
    candidates: int
    found: frozenset[str]  # the fingerprints of the candidates found
    examining_s: float
    recording_s: float


async def examine_and_record(
    touched_by: Mapping[tuple[EntityKind, str], tuple[str, ...] | None],
    *,
    context: Context,
    store: Neo4jAlertStore,
    concurrency: int,
    cool_down: timedelta,
    turn: Turn = _no_wait,
) -> Examined:
    """Detect around each entity, `concurrency` at a time, given the reports that touched it
    (None: everything about it is examined), then record every candidate found, as many at a
    time: the alert worker's detection of a batch, which the growth bench measures as it is.

    `context` is the batch's (its reads, the worker's memory, its time of detection), and
    `store` too: given batched reads (`BatchedReads`), the entities' reads and then the records'
    are each made in one statement for all of them. With `context.timings`, each record's
    milliseconds too, by whether it saved a change. An outage stops the rest and is raised
    (`each_isolated`)."""
    slots = asyncio.Semaphore(concurrency)

    async def around(kind: EntityKind, entity_id: str) -> list[AlertCandidate]:
        async with slots:
            # The bulk lane gives way to live work before each entity. Inside the slot, so at
            # most the entities already under way are examined while live work waits.
            await turn()
            return await detect(
                kind, entity_id, replace(context, touched_by=touched_by[kind, entity_id])
            )

    async def record(candidate: AlertCandidate) -> AlertRaised | None:
        async with slots:
            began = time.perf_counter()
            saved = await record_alert(
                candidate=candidate,
                store=store,
                now=datetime.now(UTC),
                new_id=uuid4,
                cool_down=cool_down,
            )
            if context.timings is not None:
                step = "(record_alert: saved)" if saved else "(record_alert: nothing new)"
                context.timings.setdefault(step, []).append((time.perf_counter() - began) * 1000)
            return saved

    began = time.monotonic()
    found = [c for candidates in await around_each(list(touched_by), around) for c in candidates]
    examined = time.monotonic()
    recorded = await each_isolated(found, record, what=_recording, failed=None)
    return Examined(
        saved=[saved for saved in recorded if saved is not None],
        candidates=len(found),
        found=frozenset(c.fingerprint for c in found),
        examining_s=examined - began,
        recording_s=time.monotonic() - examined,
    )


def _reports(report_ids: list[str] | None) -> tuple[str, ...] | None:
    return None if report_ids is None else tuple(report_ids)


def _recording(candidate: AlertCandidate) -> str:
    return f"recording a {candidate.type.value} alert on {loggable_id(candidate.anchor_id)}"


T = TypeVar("T")
R = TypeVar("R")


async def each_isolated(
    items: list[T], work: Callable[[T], Awaitable[R]], *, what: Callable[[T], str], failed: R
) -> list[R]:
    """Run `work` for every item together: a retryable error cancels the rest and is raised
    (the batch is tried again); any other error is logged and gives `failed` for that item."""

    async def isolated(item: T) -> R:
        try:
            return await work(item)
        except RETRYABLE:
            raise
        except Exception:
            log.exception("%s failed; its alerts are skipped", what(item))
            return failed

    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(isolated(item)) for item in items]
    except* RETRYABLE as errors:
        raise errors.exceptions[0] from None
    return [task.result() for task in tasks]


Around = Callable[[EntityKind, str], Awaitable[list[R]]]


async def around_each(entities: list[tuple[EntityKind, str]], around: Around[R]) -> list[list[R]]:
    """Run `around` for every entity together, each isolated (`each_isolated`)."""

    async def one(entity: tuple[EntityKind, str]) -> list[R]:
        return await around(*entity)

    return await each_isolated(
        entities, one, what=lambda entity: f"detection around {loggable_id(entity[1])}", failed=[]
    )


async def _recheck_retracted(
    linked: EntitiesLinked, neo4j: Neo4jConnection, settings: Settings, alerts: Neo4jAlertStore
) -> list[AlertRaised]:
    """Each open alert citing the retracted report: detected again without it, around each
    entity it is about until one finds its pattern, or closed."""
    changed = []
    report_id = str(linked.report_id)
    for alert, anchor_ids in await alerts.open_alerts_citing(report_id):
        now = datetime.now(UTC)
        fresh = await _found_again(alert.fingerprint, anchor_ids, neo4j, settings, now)
        update = await withdraw_evidence(
            alert=alert, fresh=fresh, report_id=report_id, store=alerts, now=now, new_id=uuid4
        )
        if update is not None:
            changed.append(update)
    return changed


async def _decided(
    batch: list[EntitiesLinked], alerts: Neo4jAlertStore
) -> list[tuple[Naming, str]]:
    """The alerts naming the people a decision in the batch is about (`alerts_naming`), each
    with the decision."""
    decided: list[tuple[Naming, str]] = []
    for event in batch:
        if event.decision_id is not None:
            naming = await alerts.alerts_naming([e.id for e in event.entities])
            decided.extend((n, event.decision_id) for n in naming)
    return decided


async def _close_undone(
    undone: list[tuple[Naming, str]],
    neo4j: Neo4jConnection,
    settings: Settings,
    alerts: Neo4jAlertStore,
) -> list[AlertRaised]:
    """The open alerts naming a decision's people whose pattern was not found again when the
    entities they are about were examined with the batch: each looked for again on its own, as
    after a retraction (an entity whose examination failed is logged and passed over, and must
    not close an alert), and closed as the decision's when it is still not found."""
    closed: dict[str, AlertRaised] = {}
    for naming, decision_id in undone:
        if naming.fingerprint in closed:
            continue
        alert = await alerts.open_alert(naming.fingerprint)
        now = datetime.now(UTC)
        if alert is None:
            continue
        if await _found_again(naming.fingerprint, naming.anchor_ids, neo4j, settings, now):
            continue
        closed[naming.fingerprint] = await close_undone_by_decision(
            alert=alert, decision_id=decision_id, store=alerts, now=now, new_id=uuid4
        )
    return list(closed.values())


async def _found_again(
    fingerprint: str,
    anchor_ids: Sequence[str],
    neo4j: Neo4jConnection,
    settings: Settings,
    now: datetime,
) -> AlertCandidate | None:
    """The alert's pattern detected again in full around each entity it is about, until one
    finds it; None when none does."""
    ctx = Context(driver=neo4j.driver, database=settings.neo4j_database, settings=settings, now=now)
    for anchor_id in anchor_ids:
        found = await detect(EntityKind.of(anchor_id), anchor_id, ctx)
        fresh = next((c for c in found if c.fingerprint == fingerprint), None)
        if fresh is not None:
            return fresh
    return None


async def detect_batch(
    batch: list[EntitiesLinked],
    neo4j: Neo4jConnection,
    settings: Settings,
    turn: Turn = _no_wait,
    concurrency: int | None = None,
    memory: WorkerMemory | None = None,
    due: Sequence[str] = (),
) -> list[AlertRaised]:
    """Detect around what a batch linked and save the alerts (into the outbox); retry outages
    and conflicting writers for as long as they last; log and skip only a genuine bug.
    `turn` is awaited before each entity (the bulk lane waits there while live work runs);
    `concurrency` entities at a time (the live lane's setting unless given);
    `memory` what the worker keeps between batches (`WorkerMemory`): without it, a place's
    peer groups and a busy place's hotspot alert are worked out in full each time, each open
    alert is read before it is updated, and gradings are read for each batch. `due`: places
    whose full passes were left to the bulk lane (`CatchUp.making`), examined for them."""
    slots = concurrency or settings.alerts_detection_concurrency
    try:
        async for attempt in AsyncRetrying(
            retry=retry_if_exception_type(RETRYABLE),
            wait=wait_exponential(multiplier=0.5, max=settings.alerts_retry_max_wait_s),
            before_sleep=before_sleep_log(log, logging.WARNING),
            reraise=True,
        ):
            with attempt:
                return await _detect(
                    batch, neo4j, settings, turn, slots, memory or WorkerMemory(), due
                )
    # Errors around one entity were caught there; what is left (re-checking a retraction) is
    # logged rather than left to crash the agent, which faust would ack the batch for anyway.
    except Exception:
        log.exception("detection failed for reports %s", [str(e.report_id) for e in batch])
    return []


def register_agents(*, app: faust.App, settings: Settings, neo4j: Neo4jConnection) -> None:
    """Attach the detection agent, and the webhook agent that delivers what it raises.

    Several workers with one app id share the work: Kafka splits the topics' partitions among
    them, one open alert per fingerprint is enforced by the store, the outbox is drained under a
    lease, and each webhook job is claimed with one before it is sent.
    """
    owner = PROCESS_WORKER
    register_webhook_agent(app=app, settings=settings, neo4j=neo4j, owner=owner)
    lanes = LiveFirst()
    linked_topic = app.topic(
        settings.alerts_entities_linked_topic, value_type=bytes, value_serializer="raw"
    )
    bulk_linked_topic = app.topic(
        settings.alerts_bulk_entities_linked_topic,
        value_type=bytes,
        value_serializer="raw",
    )
    alerts_topic = app.topic(settings.alerts_topic, value_type=bytes, value_serializer="raw")
    draining = asyncio.Lock()  # one drain at a time in this process: the agent's and the timer's
    memory = WorkerMemory.of(settings)

    send = sender(alerts_topic)

    async def drain_outbox() -> None:
        """Publish every alert change saved and not yet acknowledged: this batch's, older
        ones, those users made through the API, and other workers'; under the outbox's lease."""
        store = Neo4jAlertStore(
            driver=neo4j.driver, database=settings.neo4j_database, outbox=settings.alerts_topic
        )
        lease = Neo4jOutboxLease(
            driver=neo4j.driver,
            database=settings.neo4j_database,
            outbox=settings.alerts_topic,
            owner=owner,
            lease_s=settings.alerts_outbox_lease_s,
        )
        async with draining:
            published = await drain_leased(
                outbox=store, lease=lease, send=send, wait_s=settings.alerts_outbox_lease_s
            )
            if published is None:
                log.warning("alert outbox: another worker held its lease throughout; next sweep")
            for alert in published or []:
                log.info("alert %s id=%s type=%s", alert.change, alert.alert_id, alert.type)

    async def detect_and_publish(values: list[bytes], turn: Turn, concurrency: int) -> None:
        batch = []
        for value in values:
            try:
                batch.append(EntitiesLinked.model_validate_json(value))
            except ValidationError as error:
                log.error("unreadable entities.linked event skipped: %s", field_errors(error))
        changed = await detect_batch(batch, neo4j, settings, turn, concurrency, memory)
        log.info("detected around %d linked reports: %d alert changes", len(batch), len(changed))
        await drain_outbox()

    @app.agent(linked_topic)
    async def detect_patterns(stream: faust.StreamT[bytes]) -> None:
        """Run the detectors for what each batch of live reports linked, then publish what
        they raised or updated from the outbox, where it stays until Kafka acknowledged it."""
        batches = stream.take(settings.alerts_batch_size, within=settings.alerts_batch_within_s)
        async for values in batches:
            async with lanes.live():
                await detect_and_publish(values, _no_wait, settings.alerts_detection_concurrency)

    @app.agent(bulk_linked_topic)
    async def detect_bulk_patterns(stream: faust.StreamT[bytes]) -> None:
        """The same for the bulk lane, giving way to live work before each entity, so an
        import never delays a live report's alerts by more than one entity's detection."""
        batches = stream.take(settings.alerts_batch_size, within=settings.alerts_batch_within_s)
        async for values in batches:
            await detect_and_publish(
                values, lanes.bulk_turn, settings.alerts_bulk_detection_concurrency
            )

    @app.timer(settings.alerts_catch_up_every_s)  # type: ignore[untyped-decorator]  # faust
    async def catch_up() -> None:
        """Make, in the bulk lane, the full passes that fell due during live work and were left
        to it (`CatchUp`): each noted place examined touched by no report, so that only the
        passes due there are made; then publish what that changed. Places it could not do (an
        outage, retried until it ends, or a bug, logged) are noted again by the next live report
        there, or worked out by it once the grace has passed."""
        if memory.catch_up is None:
            return
        with memory.catch_up.making() as places:
            if not places:
                return
            concurrency = settings.alerts_bulk_detection_concurrency
            changed = await detect_batch(
                [], neo4j, settings, lanes.bulk_turn, concurrency, memory, due=places
            )
        log.info("caught up %d places: %d alert changes", len(places), len(changed))
        await drain_outbox()

    @app.timer(settings.alerts_outbox_sweep_s)  # type: ignore[untyped-decorator]  # faust
    async def publish_leftovers() -> None:
        """Publish what a failed drain left in the outbox, when no batch comes to do it."""
        try:
            await drain_outbox()
        except Exception:  # noqa: BLE001 - the outbox keeps it; the next sweep tries again
            log.warning("alert outbox not drained; trying again later", exc_info=True)
