"""Neo4j adapters of alert delivery: the feed of changed alerts, and webhook jobs and their log."""

import logging
import os
import socket
import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from neo4j import AsyncDriver
from neo4j.exceptions import ServiceUnavailable, SessionExpired, TransientError

from schemas.alerts import AlertRaised
from services.alerts.delivery import queries
from services.alerts.delivery.ports import (
    Attempt,
    ChangedAlert,
    Cursor,
    DeliveryJob,
    FeedUnavailable,
    JobStatus,
    Subscription,
)
from services.alerts.delivery.sealing import SEALED_PREFIX, SecretBox, SecretUnreadable

log = logging.getLogger(__name__)

UNAVAILABLE = (ServiceUnavailable, SessionExpired, TransientError, OSError)
PENDING_BATCH = 1000
LEASE_S = 90.0  # ALERTS_WEBHOOK_LEASE_S's default


def worker_name() -> str:
    """What names a worker process in the leases it takes: host, process and a random part
    (a restarted process with the same pid is another worker)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


PROCESS_WORKER = worker_name()


class Neo4jAlertFeed:
    """Reads the alerts that changed after a cursor."""

    def __init__(self, *, driver: AsyncDriver, database: str) -> None:
        self._driver = driver
        self._database = database

    async def changed_since(
        self, *, since: Cursor, audiences: Sequence[str], skip: Collection[str], limit: int
    ) -> list[ChangedAlert]:
        """Up to limit alerts the audiences may see changed after since, oldest first, bar the
        changes named in skip."""
        try:
            records, _, _ = await self._driver.execute_query(
                queries.ALERTS_CHANGED_SINCE,
                since=since.at.isoformat(),
                after_id=since.alert_id,
                skip=list(skip),
                audiences=list(audiences),
                limit=limit,
                database_=self._database,
            )
        except UNAVAILABLE as error:
            raise FeedUnavailable(str(error)) from error
        return [
            ChangedAlert(
                cursor=Cursor(at=datetime.fromisoformat(r["updated_at"]), alert_id=r["id"]),
                key=f"{r['id']}|{r['updated_at']}",
                alert=AlertRaised.model_validate_json(r["body"]),
            )
            for r in records
        ]


@dataclass(frozen=True, slots=True)
class DeliveryRecord:
    """One attempt as the delivery log shows it."""

    subscription_id: str
    alert_id: str
    event_id: str
    attempt: int
    status_code: int | None
    error: str | None
    outcome: str
    at: datetime


class Neo4jWebhookStore:
    """Keeps webhook subscriptions, one job per subscription and event, and every attempt.

    Signing secrets are stored sealed by `secrets`; one it cannot open is logged, with what to
    do, and its subscription's secret is None (nothing is sent to it). Jobs are claimed for
    `owner` (this process, unless told) with a lease of `lease_s`."""

    def __init__(
        self,
        *,
        driver: AsyncDriver,
        database: str,
        secrets: SecretBox,
        owner: str = PROCESS_WORKER,
        lease_s: float = LEASE_S,
    ) -> None:
        self._driver = driver
        self._database = database
        self._secrets = secrets
        self._owner = owner
        self._lease_s = lease_s

    def _subscriptions(self, rows: Sequence[Any]) -> dict[str, Subscription]:
        """The subscriptions in the rows by id, each secret opened (and a failure logged) once."""
        found: dict[str, Subscription] = {}
        for row in rows:
            if row["id"] in found:
                continue
            try:
                secret: str | None = self._secrets.open(row["secret"])
            except SecretUnreadable as error:
                log.error("webhook %s (%s) is not delivered to: %s", row["id"], row["name"], error)
                secret = None
            found[row["id"]] = Subscription(
                id=row["id"],
                name=row["name"],
                url=row["url"],
                secret=secret,
                agency=row["agency"],
                role=row["role"],
                active=bool(row["active"]),
                created_at=datetime.fromisoformat(row["created_at"]),
            )
        return found

    async def active_subscriptions(self) -> list[Subscription]:
        """Every subscription that is active."""
        records, _, _ = await self._driver.execute_query(
            queries.ACTIVE_WEBHOOK_SUBSCRIPTIONS, database_=self._database
        )
        return list(self._subscriptions(records).values())

    async def seal_plain_secrets(self) -> int:
        """Seal the secrets stored in plain text before sealing; how many were sealed."""
        records, _, _ = await self._driver.execute_query(
            queries.PLAIN_WEBHOOK_SECRETS, sealed_prefix=SEALED_PREFIX, database_=self._database
        )
        if not records:
            return 0
        rows = [
            {"id": r["id"], "plain": r["secret"], "sealed": self._secrets.seal(r["secret"])}
            for r in records
        ]
        sealed, _, _ = await self._driver.execute_query(
            queries.SEAL_WEBHOOK_SECRETS, rows=rows, database_=self._database
        )
        return int(sealed[0]["sealed"])

    async def enqueue(self, jobs: Sequence[DeliveryJob], *, at: datetime) -> list[DeliveryJob]:
        """Keep the jobs not kept before; return those still pending, with their attempts."""
        rows = [
            {
                "key": j.key,
                "subscription_id": j.subscription.id,
                "event_id": j.event_id,
                "alert_id": j.alert_id,
                "body": j.body.decode(),
            }
            for j in jobs
        ]
        records, _, _ = await self._driver.execute_query(
            queries.ENQUEUE_WEBHOOK_JOBS, rows=rows, at=at.isoformat(), database_=self._database
        )
        attempts = {r["key"]: int(r["attempts"]) for r in records}
        return [
            DeliveryJob(
                subscription=j.subscription,
                event_id=j.event_id,
                alert_id=j.alert_id,
                body=j.body,
                attempts=attempts[j.key],
            )
            for j in jobs
            if j.key in attempts
        ]

    async def pending(self) -> list[DeliveryJob]:
        """The jobs still pending for active subscriptions that no other worker holds, oldest
        first."""
        records, _, _ = await self._driver.execute_query(
            queries.PENDING_WEBHOOK_JOBS,
            limit=PENDING_BATCH,
            owner=self._owner,
            database_=self._database,
        )
        subscriptions = self._subscriptions(records)
        return [
            DeliveryJob(
                subscription=subscriptions[r["id"]],
                event_id=r["event_id"],
                alert_id=r["alert_id"],
                body=r["body"].encode(),
                attempts=int(r["attempts"]),
            )
            for r in records
        ]

    async def claim(self, job: DeliveryJob) -> int | None:
        """Take or renew this worker's lease on a pending job; the attempts made at it so far,
        or None when another worker holds it or it is settled."""
        records, _, _ = await self._driver.execute_query(
            queries.CLAIM_WEBHOOK_JOB,
            key=job.key,
            owner=self._owner,
            lease_ms=int(self._lease_s * 1000),
            database_=self._database,
        )
        return int(records[0]["attempts"]) if records else None

    async def release_leases(self) -> int:
        """Let go of the pending jobs this worker holds; how many."""
        records, _, _ = await self._driver.execute_query(
            queries.RELEASE_WEBHOOK_LEASES, owner=self._owner, database_=self._database
        )
        return int(records[0]["released"]) if records else 0

    async def record_attempt(self, attempt: Attempt, *, settles: JobStatus | None) -> None:
        """Log an attempt and, when it settles the job, mark the job so."""
        await self._driver.execute_query(
            queries.RECORD_WEBHOOK_ATTEMPT,
            attempt={
                "id": f"{attempt.job_key}|{attempt.number}",
                "job_key": attempt.job_key,
                "subscription_id": attempt.subscription_id,
                "alert_id": attempt.alert_id,
                "event_id": attempt.event_id,
                "number": attempt.number,
                "status_code": attempt.status_code,
                "error": attempt.error,
                "outcome": attempt.outcome,
                "at": attempt.at.isoformat(),
            },
            settles=settles.value if settles else None,
            database_=self._database,
        )

    async def deliveries(
        self, *, subscription_id: str | None, offset: int, limit: int
    ) -> tuple[list[DeliveryRecord], int]:
        """One page of the delivery log, newest first, and its total."""
        params = {"subscription_id": subscription_id}
        records, _, _ = await self._driver.execute_query(
            queries.LIST_WEBHOOK_DELIVERIES,
            params | {"offset": offset, "limit": limit},
            database_=self._database,
        )
        counted, _, _ = await self._driver.execute_query(
            queries.COUNT_WEBHOOK_DELIVERIES, params, database_=self._database
        )
        items = [
            DeliveryRecord(
                subscription_id=r["subscription_id"],
                alert_id=r["alert_id"],
                event_id=r["event_id"],
                attempt=int(r["attempt"]),
                status_code=r["status_code"],
                error=r["error"],
                outcome=r["outcome"],
                at=datetime.fromisoformat(r["at"]),
            )
            for r in records
        ]
        return items, int(counted[0]["total"])
