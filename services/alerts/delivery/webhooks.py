"""Webhook delivery in the alert worker: an agent on the alerts topic keeps a job per allowed
subscription, and a service POSTs the jobs with one HTTP client for the process's lifetime."""

import asyncio
import logging
import socket
from collections.abc import Collection, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import faust
import httpx
from pydantic import ValidationError
from tenacity import AsyncRetrying, before_sleep_log, retry_if_exception_type, wait_exponential

from common.adapters.audit.wiring import open_audit_trail
from common.adapters.streaming import Neo4jConnection
from common.audit.trail import AuditTrail
from common.kafka_access import ALERTS
from common.validation import field_errors
from schemas.alerts import AlertRaised
from services.alerts.audited import AuditedDeliveries
from services.alerts.config import Settings
from services.alerts.delivery.destinations import refusal
from services.alerts.delivery.notify import Dispatcher, RetryPolicy, deliver, enqueue_alerts
from services.alerts.delivery.ports import DeliveryJob, JobStatus, PostResult
from services.alerts.delivery.sealing import secret_box
from services.alerts.delivery.store import UNAVAILABLE, Neo4jWebhookStore

log = logging.getLogger(__name__)


class HttpxPoster:
    """POSTs with a shared httpx client; redirects are not followed (a 3xx is the answer). The
    destination is checked first, against the addresses its host resolves to now."""

    def __init__(self, client: httpx.AsyncClient, *, allowed_hosts: Collection[str]) -> None:
        self._client = client
        self._allowed_hosts = allowed_hosts

    async def post(self, url: str, *, body: bytes, headers: Mapping[str, str]) -> PostResult:
        """POST the body; a refused destination, a transport error or a timeout is a result
        with an error."""
        parts = urlsplit(url)
        try:
            found = await asyncio.get_running_loop().getaddrinfo(
                parts.hostname or "", parts.port or 443, proto=socket.IPPROTO_TCP
            )
        except OSError as error:
            return PostResult(error=f"the host does not resolve: {error}"[:500])
        addresses = sorted({str(info[4][0]) for info in found})
        why = refusal(url, addresses=addresses, allowed_hosts=self._allowed_hosts)
        if why is not None:
            return PostResult(error=f"refused: {why}"[:500], refused=True)
        try:
            response = await self._client.post(url, content=body, headers=dict(headers))
        except httpx.TransportError as error:
            return PostResult(error=f"{type(error).__name__}: {error}"[:500])
        return PostResult(status_code=response.status_code)


class WebhookService(faust.Service):
    """Owns the HTTP client and the dispatcher, and queues again what a restart (or another
    worker that stopped) left pending; `owner` names this worker in the jobs it claims."""

    def __init__(
        self, settings: Settings, neo4j: Neo4jConnection, *, owner: str, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self._settings = settings
        self._neo4j = neo4j
        self._owner = owner
        self._policy = RetryPolicy(
            max_attempts=settings.alerts_webhook_max_attempts,
            base_wait_s=settings.alerts_webhook_base_wait_s,
            max_wait_s=settings.alerts_webhook_max_wait_s,
        )
        self._client: httpx.AsyncClient | None = None
        self._audit: AuditTrail | None = None
        self._dispatcher = Dispatcher(run=self._deliver)
        self._secrets = secret_box(settings)

    def store(self) -> Neo4jWebhookStore:
        """The webhook store on the process's driver (ServiceUnavailable before it opens)."""
        return Neo4jWebhookStore(
            driver=self._neo4j.driver,
            database=self._settings.neo4j_database,
            secrets=self._secrets,
            owner=self._owner,
            lease_s=self._settings.alerts_webhook_lease_s,
        )

    def submit(self, job: DeliveryJob) -> None:
        """Queue a job behind the others of its subscription."""
        self._dispatcher.submit(job)

    async def on_start(self) -> None:
        """Open the HTTP client and the audit trail, and start sweeping for pending jobs."""
        self._client = httpx.AsyncClient(
            timeout=self._settings.alerts_webhook_timeout_s, follow_redirects=False
        )
        self._audit = open_audit_trail(self._settings, principal=ALERTS, service="alerts-worker")
        self.add_future(self._sweep())

    async def on_stop(self) -> None:
        """Stop delivering (unsettled jobs stay pending, and are let go for the other workers),
        close the client and the audit."""
        await self._dispatcher.close()
        try:
            if released := await self.store().release_leases():
                log.info("let go of %d webhook jobs for the other workers", released)
        except Exception as error:  # noqa: BLE001 - the driver may close first: leases expire
            log.warning("webhook jobs not let go; their leases expire: %s", error)
        if self._client is not None:
            await self._client.aclose()
        if self._audit is not None:
            await asyncio.to_thread(self._audit.close)

    async def _deliver(self, job: DeliveryJob) -> JobStatus:
        if self._client is None or self._audit is None:
            raise RuntimeError("the HTTP client and the audit open when the service starts")
        return await deliver(
            job=job,
            poster=HttpxPoster(
                self._client, allowed_hosts=self._settings.alerts_webhook_allowed_hosts
            ),
            store=self.store(),
            audit=AuditedDeliveries(self._audit),
            policy=self._policy,
            clock=lambda: datetime.now(UTC),
            sleep=asyncio.sleep,
        )

    async def _sweep(self) -> None:
        """Seal secrets still stored in plain text, and queue the pending jobs: at start (those
        a restart left) and then now and again."""
        await asyncio.sleep(1.0)  # let the Neo4j connection open first
        while not self.should_stop:
            try:
                if sealed := await self.store().seal_plain_secrets():
                    log.info("sealed %d webhook secrets stored in plain text", sealed)
                for job in await self.store().pending():
                    self._dispatcher.submit(job)
            except UNAVAILABLE as error:
                log.warning("webhook sweep: Neo4j unavailable, trying again later: %s", error)
            await asyncio.sleep(self._settings.alerts_webhook_sweep_s)


async def _enqueue_with_retry(
    alerts: list[AlertRaised], service: WebhookService, settings: Settings
) -> list[DeliveryJob]:
    """Retry outages for as long as they last, so no event's jobs are lost; log a genuine bug."""
    try:
        async for attempt in AsyncRetrying(
            retry=retry_if_exception_type(UNAVAILABLE),
            wait=wait_exponential(multiplier=0.5, max=settings.alerts_retry_max_wait_s),
            before_sleep=before_sleep_log(log, logging.WARNING),
            reraise=True,
        ):
            with attempt:
                return await enqueue_alerts(
                    alerts=alerts, store=service.store(), now=datetime.now(UTC)
                )
    except Exception:
        log.exception(
            "webhook jobs for alert events %s not kept", [str(a.event_id) for a in alerts]
        )
    return []


def register_webhook_agent(
    *, app: faust.App, settings: Settings, neo4j: Neo4jConnection, owner: str
) -> None:
    """Attach the webhook service and the agent that feeds it from the alerts topic (its
    partitions shared with the other workers of the group); `owner` names this worker."""
    service = WebhookService(settings, neo4j, owner=owner, loop=app.loop, beacon=app.beacon)
    app.service(service)  # type: ignore[arg-type]  # faust also takes an instance
    alerts_topic = app.topic(settings.alerts_topic, value_type=bytes, value_serializer="raw")

    @app.agent(alerts_topic)
    async def deliver_webhooks(stream: faust.StreamT[bytes]) -> None:
        """Keep a job for each subscription allowed to see each alert of a batch (the
        subscriptions read once a batch), then hand the jobs on."""
        batches = stream.take(settings.alerts_batch_size, within=settings.alerts_batch_within_s)
        async for values in batches:
            alerts = []
            for value in values:
                try:
                    alerts.append(AlertRaised.model_validate_json(value))
                except ValidationError as error:
                    log.error("unreadable alert event skipped: %s", field_errors(error))
            for job in await _enqueue_with_retry(alerts, service, settings):
                service.submit(job)
