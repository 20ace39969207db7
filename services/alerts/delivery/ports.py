"""Ports of alert delivery: what the webhook dispatcher and the alert stream need of the
delivery log, of HTTP and of the alert store, free of any client, and the records they carry."""

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol
from uuid import UUID

from common.keys import installation_key
from schemas.alerts import AlertRaised
from schemas.graph import EVERYONE, agency_audience, role_audience, sealed_audience

SEPARATOR = "|"  # between a stream cursor's time and alert id


@dataclass(frozen=True, slots=True)
class Subscription:
    """A receiver of alerts: where to POST them, the secret that signs them, and whose
    audiences (an agency and a role) decide which alerts it may receive.

    `secret` is None when the stored secret could not be opened (sealed with another key):
    nothing is sent to the subscription, and its jobs wait, until it can be."""

    id: str
    name: str
    url: str
    secret: str | None = field(repr=False)
    agency: str
    role: str
    active: bool
    created_at: datetime

    @property
    def audiences(self) -> list[str]:
        """What the subscription may see, as a user of its agency and role would."""
        return [
            EVERYONE,
            agency_audience(self.agency),
            sealed_audience(self.agency, installation_key()),
            role_audience(self.role),
        ]


@dataclass(frozen=True, slots=True)
class DeliveryJob:
    """One alert event for one subscription, with the attempts already made."""

    subscription: Subscription
    event_id: str
    alert_id: str
    body: bytes  # the AlertRaised JSON, sent byte for byte on every attempt
    attempts: int = 0

    @property
    def key(self) -> str:
        """What makes the job unique: the subscription and the alert event."""
        return f"{self.subscription.id}|{self.event_id}"


class JobStatus(StrEnum):
    """Where a job stands: pending until it is settled one of three ways."""

    PENDING = "pending"
    DELIVERED = "delivered"
    REJECTED = "rejected"  # the receiver answered with a status that retrying cannot change
    FAILED = "failed"  # still failing after the last attempt


@dataclass(frozen=True, slots=True)
class PostResult:
    """What a POST came to: the status the receiver answered, or why there was none."""

    status_code: int | None = None
    error: str | None = None
    refused: bool = False  # never sent: the destination is not allowed (final)


@dataclass(frozen=True, slots=True)
class Attempt:
    """One attempt at a job, as the delivery log keeps it."""

    job_key: str
    subscription_id: str
    alert_id: str
    event_id: str
    number: int
    at: datetime
    status_code: int | None
    error: str | None
    outcome: str  # "delivered", "retry", "rejected" or "failed"


class Poster(Protocol):
    """Sends one HTTP POST."""

    async def post(self, url: str, *, body: bytes, headers: Mapping[str, str]) -> PostResult:
        """POST the body; a connection error or a timeout is a result with an error, not an
        exception."""
        ...


class DeliveryLog(Protocol):
    """Where jobs are claimed, every attempt is logged and a job is settled."""

    async def claim(self, job: DeliveryJob) -> int | None:
        """Take or renew this worker's lease on a pending job; the attempts made at it so far,
        or None when another worker holds it or it is settled."""
        ...

    async def record_attempt(self, attempt: Attempt, *, settles: JobStatus | None) -> None:
        """Log an attempt and, when it settles the job, mark the job so."""
        ...


class DeliveryAudit(Protocol):
    """Where each delivery is recorded, with the subscription's agency as the reader."""

    async def record_delivery(self, job: DeliveryJob, *, attempt: int) -> None:
        """Record the attempt before it is made, or raise: an unrecorded attempt is not made."""
        ...


class WebhookStore(DeliveryLog, Protocol):
    """Where subscriptions, jobs and the delivery log are kept."""

    async def active_subscriptions(self) -> list[Subscription]:
        """Every subscription that is active."""
        ...

    async def enqueue(self, jobs: Sequence[DeliveryJob], *, at: datetime) -> list[DeliveryJob]:
        """Keep the jobs not kept before; return those still pending, with their attempts."""
        ...

    async def pending(self) -> list[DeliveryJob]:
        """The jobs still pending for active subscriptions, oldest first."""
        ...


class InvalidCursor(ValueError):
    """A cursor that this service did not write."""


class FeedUnavailable(Exception):
    """The store of alerts cannot be read just now; the stream waits and polls again."""


@dataclass(frozen=True, slots=True, order=True)
class Cursor:
    """A position in the stream: after the alert with this id updated at this time."""

    at: datetime
    alert_id: str = ""

    def __str__(self) -> str:
        return f"{self.at.isoformat()}{SEPARATOR}{self.alert_id}"

    @classmethod
    def parse(cls, text: str) -> "Cursor":
        """Read a cursor from a Last-Event-ID header, or raise InvalidCursor."""
        at_text, sep, alert_id = text.strip().partition(SEPARATOR)
        try:
            at = datetime.fromisoformat(at_text)
            if sep != SEPARATOR or at.tzinfo is None:
                raise ValueError(text)
            if alert_id:
                UUID(alert_id)
        except ValueError as error:
            raise InvalidCursor(
                f"not a stream cursor (expected '<ISO time with offset>|<alert id>'): {text!r}"
            ) from error
        return cls(at=at, alert_id=alert_id)


@dataclass(frozen=True, slots=True)
class ChangedAlert:
    """An alert as it stood after a change, its position in the stream, and a key naming that
    one change (the alert id and its updated_at as the store writes it)."""

    cursor: Cursor
    key: str
    alert: AlertRaised


class AlertFeed(Protocol):
    """The alerts that changed after a cursor, as the store holds them."""

    async def changed_since(
        self, *, since: Cursor, audiences: Sequence[str], skip: Collection[str], limit: int
    ) -> list[ChangedAlert]:
        """Up to limit alerts the audiences may see changed after since, oldest first, bar the
        changes named in skip; FeedUnavailable while the store cannot be read."""
        ...
