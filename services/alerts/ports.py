"""Ports of the alert worker and the alerts API: what their use cases need of the alert store
and the outbox, free of any driver, and the records they carry."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from schemas.alerts import AlertRaised, AlertStatus, Subgraph


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One step in an alert's life: who did what, when, and why."""

    at: datetime
    by: str
    action: str
    status: AlertStatus
    note: str = ""


class AlertChanged(Exception):
    """Someone else saved a change to the alert after it was read: read it again."""


@dataclass(frozen=True)
class FingerprintState:
    """What the store holds of a fingerprint, as an alert's save first needs it."""

    has_open: bool
    open_digest: str | None  # of the open alert's evidence; None: none open, or none kept
    last_closed: tuple[AlertRaised, datetime] | None  # only when none is open: it, and when
    # False when the open alert was saved before alerts kept which reports they cite
    # (`cited_digest`): a detector's memory cannot be checked against it until it is kept.
    cited_kept: bool = True
    open_event_id: str | None = None  # the open alert's version (its last change's event id)


@dataclass(frozen=True)
class Naming:
    """An alert that names a person a resolution decision is about: an open one, which the
    decision can change or undo, or one a decision closed (`closed_by_decision`), which another
    can bring back."""

    fingerprint: str
    anchor_ids: tuple[str, ...]  # the entities it is about
    open: bool


@dataclass(frozen=True)
class Explanation:
    """What explains an alert: its subgraph, and who may see each report it cites."""

    subgraph: Subgraph
    visibility: tuple[tuple[str, ...], ...]  # per cited report found, its audiences


class AlertStore(Protocol):
    """Where alerts are kept, found by their fingerprint."""

    async def fingerprint_state(self, fingerprint: str) -> FingerprintState:
        """Whether an alert with this fingerprint is open and the digest of what it cites, or,
        when none is, the most recently closed one (one read: most detections stop here)."""
        ...

    async def keep_cited(self, fingerprint: str, *, evidence: str, cited: str) -> None:
        """Keep which reports the open alert cites (`cited`) when its evidence digest is
        still `evidence` (an alert saved before they were kept)."""
        ...

    async def keep_digest(self, fingerprint: str, *, event_id: str, digest: str) -> None:
        """Keep the digest of the open alert's evidence and subjects while it is still the
        version `event_id` (one saved before digests named subjects)."""
        ...

    async def open_alert(
        self, fingerprint: str, *, current: str | None = None
    ) -> AlertRaised | None:
        """The alert with this fingerprint that is not closed, if any; `current`, the event id
        of its version as the caller last read it, lets a version this process saved be used
        without reading it again."""
        ...

    async def explain(
        self,
        entity_ids: list[str],
        report_ids: list[str],
        *,
        previous: AlertRaised | None = None,
    ) -> Explanation:
        """The entities and the links among them that the reports state, and per report the
        audiences that may see it, then those of each report the alert (`previous`, its last
        version) cited before and cites no longer (one read: a new alert's save is a few round
        trips)."""
        ...

    async def save(
        self,
        alert: AlertRaised,
        *,
        anchor_id: str | None,
        history: HistoryEntry,
        replaces: UUID | None = None,
        cited_already: Iterable[str] = (),
    ) -> None:
        """Save the alert over the version `replaces` (None: new), which cites the reports
        `cited_already`; AlertChanged if it moved on."""
        ...


class AlertWorkflowStore(Protocol):
    """Where alerts and their history are read and saved, seen through the caller's audiences."""

    async def get_alert(self, alert_id: UUID, *, audiences: Sequence[str]) -> AlertRaised | None:
        """The alert, if it exists and every report it cites is visible to the audiences."""
        ...

    async def history(self, alert_id: UUID) -> list[HistoryEntry]:
        """The alert's history, oldest first."""
        ...

    async def home_forces(self, alert: AlertRaised) -> tuple[str, ...]:
        """The police force areas the alert's cited reports give for where its subjects are."""
        ...

    async def save(
        self,
        alert: AlertRaised,
        *,
        anchor_id: str | None,
        history: HistoryEntry,
        replaces: UUID | None = None,
    ) -> None:
        """Save over the version `replaces`; AlertChanged when another change came first."""
        ...


@dataclass(frozen=True, slots=True)
class SetAside:
    """An alert change Kafka will never take as it is, and the reason it gave."""

    alert: AlertRaised
    reason: str


class AlertOutbox(Protocol):
    """The alert changes saved but not yet published."""

    async def unpublished(self, *, limit: int) -> list[AlertRaised]:
        """The alert changes saved that Kafka has not acknowledged yet, oldest first."""
        ...

    async def mark_published(self, alerts: Sequence[AlertRaised]) -> None:
        """Take these changes (their events) out of the outbox."""
        ...

    async def set_aside(self, changes: Sequence[SetAside]) -> None:
        """Take these changes out of the outbox, keeping each whole with its reason, to be
        queued again by hand."""
        ...


class OutboxLease(Protocol):
    """The right to drain an outbox, held by one worker at a time until it expires."""

    async def take(self) -> bool:
        """Take or renew the lease; False while another worker holds it."""
        ...

    async def give_back(self) -> None:
        """Let the lease go, if this worker still holds it."""
        ...
