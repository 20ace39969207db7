"""Several alert workers on the real Neo4j and Kafka (issue 17): the outbox drained by two
workers at once publishes each change once and in order, and a dead worker's outbox lease is
taken over once it expires; webhook jobs held by two workers at once are each sent once, and a
dead worker's job is sent by another once its lease expires."""

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from neo4j import AsyncDriver, Driver
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from common.adapters.audit.wiring import open_audit_trail
from common.adapters.kafka_publishing import AckedProducer
from common.kafka_access import ALERTS, KafkaAccess, kafka_access
from common.settings import InfraSettings
from schemas.alerts import AlertRaised
from services.alerts.audited import AuditedDeliveries
from services.alerts.config import Settings
from services.alerts.delivery import queries as delivery_queries
from services.alerts.delivery.notify import RetryPolicy, deliver, enqueue_alerts
from services.alerts.delivery.ports import DeliveryJob, JobStatus, Subscription
from services.alerts.delivery.sealing import secret_box
from services.alerts.delivery.store import Neo4jWebhookStore
from services.alerts.delivery.webhooks import HttpxPoster
from services.alerts.outbox import drain_leased
from services.alerts.ports import HistoryEntry
from services.alerts.store import Neo4jAlertStore, Neo4jOutboxLease
from tests.support.delivery import (
    LinkedReport,
    acked_send,
    alert_citing,
    delete,
    linked_report,
)
from tests.support.kafka_reading import read_values
from tests.support.linking import async_driver
from tests.support.serving import serving

pytestmark = pytest.mark.integration

SECRET = "whsec_lease-test"  # noqa: S105 - a test value
CHANGES = 12
DELETE_LEASE = "MATCH (l:AlertOutboxLease {outbox: $outbox}) DELETE l"
DELETE_WEBHOOK = """
MATCH (s:WebhookSubscription {id: $id})
OPTIONAL MATCH (s)-[:HAS_JOB]->(j:WebhookJob)
OPTIONAL MATCH (j)-[:ATTEMPTED]->(d:WebhookDelivery)
DETACH DELETE s, j, d
"""


@pytest.fixture
def report(settings: InfraSettings, neo4j_driver: Driver) -> Iterator[LinkedReport]:
    """A shared report in the graph, for alerts to cite; its alerts are the test's to delete."""
    linked = linked_report(settings, neo4j_driver)
    yield linked
    delete(neo4j_driver, reports=[linked], alerts=[])


# ---- the outbox


def _save_changes(settings: InfraSettings, report: LinkedReport, outbox: str) -> list[AlertRaised]:
    """Raise alerts into the outbox, as detection and users' changes leave them there."""
    alerts = [alert_citing(report, summary=f"synthetic change {i}") for i in range(CHANGES)]

    async def save() -> None:
        async with async_driver(settings) as driver:
            store = Neo4jAlertStore(driver=driver, database=settings.neo4j_database, outbox=outbox)
            for alert in alerts:
                entry = HistoryEntry(
                    at=alert.updated_at, by="test", action="raised", status=alert.status
                )
                await store.save(alert, anchor_id=None, history=entry)

    asyncio.run(save())
    return alerts


async def _drainer(
    settings: InfraSettings, outbox: str, *, owner: str, lease_s: float, wait_s: float
) -> list[AlertRaised] | None:
    """What one alert worker does: take the outbox's lease, publish to the real topic (acks=all,
    as the alerts principal), mark each change, give the lease back."""
    producer = AckedProducer(
        access=kafka_access(settings, default_user=ALERTS), timeout_s=10, client_id=owner
    )

    # A pause after each change, long enough for the other worker to ask for the lease.
    send = acked_send(producer, outbox, pause_s=0.02)

    try:
        async with async_driver(settings) as driver:
            store = Neo4jAlertStore(driver=driver, database=settings.neo4j_database, outbox=outbox)
            lease = Neo4jOutboxLease(
                driver=driver,
                database=settings.neo4j_database,
                outbox=outbox,
                owner=owner,
                lease_s=lease_s,
            )
            return await drain_leased(outbox=store, lease=lease, send=send, wait_s=wait_s)
    finally:
        producer.close()


def test_two_workers_draining_one_outbox_publish_each_change_once_and_in_order(
    settings: InfraSettings,
    kafka: KafkaAccess,
    alerts_topic: str,
    report: LinkedReport,
    neo4j_driver: Driver,
) -> None:
    alerts = _save_changes(settings, report, alerts_topic)

    async def both() -> list[list[AlertRaised] | None]:
        return await asyncio.gather(
            *(
                _drainer(settings, alerts_topic, owner=owner, lease_s=30.0, wait_s=30.0)
                for owner in ("worker-a", "worker-b")
            )
        )

    try:
        drained = asyncio.run(both())
        assert all(d is not None for d in drained)  # the second waited, then found the rest
        published = [a.event_id for d in drained for a in d or []]
        assert sorted(map(str, published)) == sorted(str(a.event_id) for a in alerts)
        values = read_values(kafka, alerts_topic, CHANGES)
        events = [AlertRaised.model_validate_json(v).event_id for v in values]
        assert events == [a.event_id for a in alerts]  # each once, in the order saved
    finally:
        neo4j_driver.execute_query(DELETE_LEASE, outbox=alerts_topic)
        delete(neo4j_driver, reports=[], alerts=alerts)


def test_a_dead_workers_outbox_lease_is_taken_over_once_it_expires(
    settings: InfraSettings,
    kafka: KafkaAccess,
    alerts_topic: str,
    report: LinkedReport,
    neo4j_driver: Driver,
) -> None:
    alerts = _save_changes(settings, report, alerts_topic)

    async def scenario() -> tuple[list[AlertRaised] | None, list[AlertRaised] | None, float]:
        async with async_driver(settings) as driver:
            dead = Neo4jOutboxLease(
                driver=driver,
                database=settings.neo4j_database,
                outbox=alerts_topic,
                owner="worker-that-died",
                lease_s=1.5,
            )
            assert await dead.take()  # and never gives it back
        refused = await _drainer(settings, alerts_topic, owner="b", lease_s=30.0, wait_s=0.3)
        started = asyncio.get_running_loop().time()
        took = await _drainer(settings, alerts_topic, owner="b", lease_s=30.0, wait_s=5.0)
        return refused, took, asyncio.get_running_loop().time() - started

    try:
        refused, took, waited = asyncio.run(scenario())
        assert refused is None  # held and not yet expired: nothing published
        assert took is not None and [a.event_id for a in took] == [a.event_id for a in alerts]
        assert waited < 5.0
        values = read_values(kafka, alerts_topic, CHANGES)
        assert len(values) == CHANGES
    finally:
        neo4j_driver.execute_query(DELETE_LEASE, outbox=alerts_topic)
        delete(neo4j_driver, reports=[], alerts=alerts)


# ---- webhook jobs


@dataclass
class Receiver:
    """Records every POST, a little slowly, so two workers' attempts would overlap."""

    received: list[str] = field(default_factory=list)  # the event id of each

    async def handle(self, request: Request) -> Response:
        await asyncio.sleep(0.05)
        self.received.append(request.headers["tessera-event-id"])
        return Response(status_code=204)


@dataclass
class Hook:
    subscription_id: str
    receiver: Receiver


@pytest.fixture
def hook(neo4j_driver: Driver) -> Iterator[Hook]:
    """A subscription for Synthetic Police officers, pointing at a local receiver."""
    receiver = Receiver()
    subscription_id = str(uuid.uuid4())
    with serving(Starlette(routes=[Route("/hook", receiver.handle, methods=["POST"])])) as url:
        neo4j_driver.execute_query(
            delivery_queries.ADD_WEBHOOK_SUBSCRIPTION,
            id=subscription_id,
            name=f"lease test {subscription_id[:8]}",
            url=f"{url}/hook",
            secret=secret_box(Settings()).seal(SECRET),
            agency="Synthetic Police",
            role="police",
            created_at=datetime.now(UTC).isoformat(),
        )
        try:
            yield Hook(subscription_id, receiver)
        finally:
            neo4j_driver.execute_query(DELETE_WEBHOOK, id=subscription_id)


class ScopedStore(Neo4jWebhookStore):
    """The real store, blind to subscriptions other than the test's (others may exist)."""

    def __init__(self, *, only: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._only = only

    async def active_subscriptions(self) -> list[Subscription]:
        return [s for s in await super().active_subscriptions() if s.id == self._only]

    async def pending(self) -> list[DeliveryJob]:
        return [j for j in await super().pending() if j.subscription.id == self._only]


def _store(driver: AsyncDriver, settings: InfraSettings, hook: Hook, **kwargs: Any) -> ScopedStore:
    return ScopedStore(
        only=hook.subscription_id,
        driver=driver,
        database=settings.neo4j_database,
        secrets=secret_box(Settings()),
        **kwargs,
    )


@asynccontextmanager
async def _worker(settings: InfraSettings) -> AsyncIterator[tuple[HttpxPoster, AuditedDeliveries]]:
    trail = open_audit_trail(Settings(), principal=ALERTS, service="test")
    try:
        async with httpx.AsyncClient(timeout=5.0) as client:
            yield HttpxPoster(client, allowed_hosts=["127.0.0.1"]), AuditedDeliveries(trail)
    finally:
        await asyncio.to_thread(trail.close)


async def _deliver(
    job: DeliveryJob, store: ScopedStore, worker: tuple[HttpxPoster, AuditedDeliveries]
) -> JobStatus:
    poster, audit = worker
    return await deliver(
        job=job,
        poster=poster,
        store=store,
        audit=audit,
        policy=RetryPolicy(max_attempts=5, base_wait_s=0.01, max_wait_s=0.05),
        clock=lambda: datetime.now(UTC),
        sleep=asyncio.sleep,
    )


def test_two_workers_holding_the_same_jobs_send_each_once(
    settings: InfraSettings, hook: Hook, report: LinkedReport, neo4j_driver: Driver
) -> None:
    """Both workers have every job (one read the events, the other's sweep found them pending,
    or a rebalance gave the events to both): each job goes out once."""
    alerts = [alert_citing(report, summary=f"synthetic alert {i}") for i in range(6)]

    async def scenario() -> list[JobStatus]:
        async with (
            async_driver(settings) as driver_a,
            async_driver(settings) as driver_b,
            _worker(settings) as worker_a,
            _worker(settings) as worker_b,
        ):
            a = _store(driver_a, settings, hook, owner="worker-a")
            b = _store(driver_b, settings, hook, owner="worker-b")
            jobs = [
                job
                for alert in alerts
                for job in await enqueue_alerts(alerts=[alert], store=a, now=datetime.now(UTC))
            ]
            assert len(jobs) == len(alerts)
            again = await b.pending()
            assert {j.key for j in again} == {j.key for j in jobs}
            return await asyncio.gather(
                *(_deliver(j, a, worker_a) for j in jobs),
                *(_deliver(j, b, worker_b) for j in again),
            )

    statuses = asyncio.run(scenario())
    assert statuses.count(JobStatus.DELIVERED) == len(alerts)
    assert statuses.count(JobStatus.PENDING) == len(alerts)  # the other worker's, not sent
    assert sorted(hook.receiver.received) == sorted(str(a.event_id) for a in alerts)
    delete(neo4j_driver, reports=[], alerts=alerts)


def test_a_dead_workers_job_is_sent_by_another_once_its_lease_expires(
    settings: InfraSettings, hook: Hook, report: LinkedReport, neo4j_driver: Driver
) -> None:
    alert = alert_citing(report, summary="synthetic alert")

    async def scenario() -> tuple[JobStatus, list[DeliveryJob], list[DeliveryJob], JobStatus]:
        async with async_driver(settings) as driver, _worker(settings) as worker:
            dead = _store(driver, settings, hook, owner="worker-that-died", lease_s=1.5)
            [job] = await enqueue_alerts(alerts=[alert], store=dead, now=datetime.now(UTC))
            assert await dead.claim(job) == 0  # claimed, then the worker died before sending
            other = _store(driver, settings, hook, owner="worker-b")
            while_held = await _deliver(job, other, worker)
            swept_while_held = await other.pending()
            await asyncio.sleep(1.6)
            swept = await other.pending()
            return while_held, swept_while_held, swept, await _deliver(swept[0], other, worker)

    while_held, swept_while_held, swept, after = asyncio.run(scenario())
    assert while_held is JobStatus.PENDING and swept_while_held == []
    assert [j.event_id for j in swept] == [str(alert.event_id)]
    assert after is JobStatus.DELIVERED
    assert hook.receiver.received == [str(alert.event_id)]
    delete(neo4j_driver, reports=[], alerts=[alert])
