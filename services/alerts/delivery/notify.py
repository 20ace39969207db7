"""Use case: deliver each alert to the webhook subscriptions allowed to see it, signed, retried.

Every alert event becomes one job per subscription whose audiences may see it (`may_see`).
A job is kept until it is delivered (a 2xx), rejected (any other status the receiver chose:
a 4xx other than 429, a 3xx) or failed (still a connection error, a timeout, a 5xx or a 429
after the last attempt); a job once kept is never created again, so an event is delivered at
most once per subscription however often the alerts topic is read. Every attempt is logged.

Jobs run concurrently across subscriptions and one at a time, in order, within each, so a slow
or failing receiver delays only itself.

Every attempt is recorded in the audit before the alert is sent; an attempt that cannot be
recorded is not made, and the job stays pending for the next sweep.

Several workers may hold the same job (each reads the pending ones): before each attempt a
worker claims the job with a lease, so only one sends it; a worker that dies holds its jobs
only until their leases expire.
"""

import asyncio
import hashlib
import hmac
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from tenacity import AsyncRetrying, retry_if_result, stop_after_attempt, wait_exponential

from schemas.alerts import AlertRaised
from services.alerts.delivery.ports import (
    Attempt,
    DeliveryAudit,
    DeliveryJob,
    DeliveryLog,
    JobStatus,
    Poster,
    PostResult,
    Subscription,
    WebhookStore,
)
from services.alerts.delivery.visibility import may_see

log = logging.getLogger(__name__)

SIGNATURE_VERSION = "v1"
EVENT_ID_HEADER = "Tessera-Event-Id"
TIMESTAMP_HEADER = "Tessera-Timestamp"
SIGNATURE_HEADER = "Tessera-Signature"
USER_AGENT = "tessera-webhooks/1"


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How many attempts a job gets in all, and the exponential wait between them."""

    max_attempts: int = 5
    base_wait_s: float = 0.5
    max_wait_s: float = 30.0


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The Tessera-Signature value: v1=<hex HMAC-SHA256 of "<timestamp>.<body>">."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"{SIGNATURE_VERSION}={digest.hexdigest()}"


def verify(
    *, secret: str, timestamp: str, body: bytes, signature: str, now: int, tolerance_s: int = 300
) -> bool:
    """What a receiver checks: the signature matches and the timestamp is recent."""
    try:
        sent_at = int(timestamp)
    except ValueError:
        return False
    if abs(now - sent_at) > tolerance_s:
        return False
    return hmac.compare_digest(sign(secret, sent_at, body), signature)


def headers(job: DeliveryJob, *, timestamp: int) -> dict[str, str]:
    """The headers of one attempt, signed at its own time."""
    if job.subscription.secret is None:
        raise ValueError(f"webhook {job.subscription.id} has no secret to sign with")
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        EVENT_ID_HEADER: job.event_id,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(job.subscription.secret, timestamp, job.body),
    }


def subscribers(alert: AlertRaised, subscriptions: Sequence[Subscription]) -> list[Subscription]:
    """The active subscriptions that may see the alert, among those that existed when it
    changed (a new subscription does not receive older events read again)."""
    return [
        s
        for s in subscriptions
        if s.active and alert.occurred_at >= s.created_at and may_see(alert, s.audiences)
    ]


async def enqueue_alerts(
    *, alerts: Sequence[AlertRaised], store: WebhookStore, now: datetime
) -> list[DeliveryJob]:
    """Keep a job for every subscription that may see each alert (the subscriptions read once
    for all of them); return the pending ones, in the alerts' order."""
    if not alerts:
        return []
    subscriptions = await store.active_subscriptions()
    jobs = [
        DeliveryJob(
            subscription=s,
            event_id=str(alert.event_id),
            alert_id=str(alert.alert_id),
            body=alert.model_dump_json().encode(),
        )
        for alert in alerts
        for s in subscribers(alert, subscriptions)
    ]
    return await store.enqueue(jobs, at=now) if jobs else []


def _settles(result: PostResult) -> JobStatus | None:
    """The status an answer settles the job with, or None when it is worth another attempt."""
    if result.refused:
        return JobStatus.REJECTED
    code = result.status_code
    if code is None or code == 429 or code >= 500:
        return None
    return JobStatus.DELIVERED if 200 <= code < 300 else JobStatus.REJECTED


async def deliver(
    *,
    job: DeliveryJob,
    poster: Poster,
    store: DeliveryLog,
    audit: DeliveryAudit,
    policy: RetryPolicy,
    clock: Callable[[], datetime],
    sleep: Callable[[float], Awaitable[None]],
) -> JobStatus:
    """POST the job until it is delivered, rejected, or out of attempts; audit and log every
    attempt (what the audit raises stops the job, unsent and still pending).

    Each attempt first claims the job (its lease, renewed): when another worker holds it, or
    settled it, this one stops and answers PENDING without sending. A job whose subscription's
    secret could not be opened is not attempted: it stays pending, and is sent once the secret
    opens again (the store logged why it did not)."""
    if job.subscription.secret is None:
        return JobStatus.PENDING
    last = max(policy.max_attempts, job.attempts + 1)
    number = job.attempts

    async def attempt() -> JobStatus | None:
        nonlocal number
        made = await store.claim(job)
        if made is None:
            log.info("webhook job %s is another worker's or settled; not sent here", job.key)
            return JobStatus.PENDING
        number = made + 1  # counted in the store: another worker may have made some
        await audit.record_delivery(job, attempt=number)
        at = clock()
        result = await poster.post(
            job.subscription.url, body=job.body, headers=headers(job, timestamp=int(at.timestamp()))
        )
        settles = _settles(result)
        if settles is None and number >= last:
            settles = JobStatus.FAILED
        outcome = "retry" if settles is None else settles.value
        await store.record_attempt(
            Attempt(
                job_key=job.key,
                subscription_id=job.subscription.id,
                alert_id=job.alert_id,
                event_id=job.event_id,
                number=number,
                at=at,
                status_code=result.status_code,
                error=result.error,
                outcome=outcome,
            ),
            settles=settles,
        )
        log.info(
            "webhook %s event %s attempt %d: %s",
            job.subscription.name,
            job.event_id,
            number,
            result.status_code or result.error,
        )
        return settles

    retrying = AsyncRetrying(
        stop=stop_after_attempt(last - job.attempts),
        wait=wait_exponential(multiplier=policy.base_wait_s, max=policy.max_wait_s),
        retry=retry_if_result(lambda settled: settled is None),
        retry_error_callback=lambda _: JobStatus.FAILED,
        sleep=sleep,
    )
    status: JobStatus = await retrying(attempt)
    return status


class Dispatcher:
    """Runs jobs concurrently across subscriptions and in order within each; a job already
    queued or running is not queued again."""

    def __init__(self, *, run: Callable[[DeliveryJob], Awaitable[object]]) -> None:
        self._run = run
        self._queues: dict[str, deque[DeliveryJob]] = {}
        self._workers: dict[str, asyncio.Task[None]] = {}
        self._queued: set[str] = set()

    def submit(self, job: DeliveryJob) -> bool:
        """Queue a job behind the others of its subscription; False when it is already queued."""
        if job.key in self._queued:
            return False
        self._queued.add(job.key)
        subscription = job.subscription.id
        self._queues.setdefault(subscription, deque()).append(job)
        if subscription not in self._workers:
            self._workers[subscription] = asyncio.create_task(self._drain(subscription))
        return True

    async def idle(self) -> None:
        """Wait until every queued job has run."""
        while self._workers:
            await asyncio.gather(*self._workers.values(), return_exceptions=True)

    async def close(self) -> None:
        """Stop running jobs; those not settled stay pending in the store."""
        workers = list(self._workers.values())
        for worker in workers:
            worker.cancel()
        await asyncio.gather(*workers, return_exceptions=True)

    async def _drain(self, subscription: str) -> None:
        queue = self._queues[subscription]
        try:
            while queue:
                job = queue[0]
                try:
                    await self._run(job)
                # An outage or a bug must not stop this subscription's other jobs; the job
                # stays pending in the store and the next sweep queues it again.
                except Exception:
                    log.exception("webhook job %s stopped; it stays pending", job.key)
                finally:
                    queue.popleft()
                    self._queued.discard(job.key)
        finally:
            del self._workers[subscription]
            if not queue:
                del self._queues[subscription]
