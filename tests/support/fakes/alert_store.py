"""The alert lifecycle's store port (open, last closed, explain, visibility, save) in memory,
and the candidate the lifecycle tests record through it."""

from collections.abc import Iterable
from datetime import datetime, timedelta
from uuid import UUID

from schemas.alerts import (
    AlertRaised,
    AlertStatus,
    AlertSubject,
    AlertType,
    Evidence,
    Priority,
    Subgraph,
    SubgraphNode,
)
from services.alerts.actions import Action
from services.alerts.lifecycle import evidence_digest
from services.alerts.ports import AlertChanged, Explanation, FingerprintState, HistoryEntry
from services.alerts.shared.candidate import AlertCandidate
from tests.support.factories import NOW


class FakeAlertStore:
    """The alert lifecycle's store in memory; `interleave` lands a change between a read and
    the write that follows it."""

    def __init__(self) -> None:
        self.alerts: dict[str, AlertRaised] = {}

        self.closed_at: dict[str, datetime] = {}
        self.history: list[HistoryEntry] = []
        self.interleave: AlertRaised | None = None

    async def fingerprint_state(self, fingerprint: str) -> FingerprintState:
        alert = self._open(fingerprint)
        closed = [
            (a, self.closed_at[str(a.alert_id)])
            for a in self.alerts.values()
            if a.fingerprint == fingerprint and a.status is AlertStatus.CLOSED
        ]
        return FingerprintState(
            has_open=alert is not None,
            open_digest=(
                evidence_digest(alert.evidence, alert.subjects) if alert is not None else None
            ),
            last_closed=max(closed, key=lambda pair: pair[1]) if closed and alert is None else None,
        )

    async def keep_cited(self, fingerprint: str, *, evidence: str, cited: str) -> None:
        """Every alert in memory keeps what it cites already."""

    async def keep_digest(self, fingerprint: str, *, event_id: str, digest: str) -> None:
        """Every alert in memory has its digest worked out when asked."""

    async def open_alert(
        self, fingerprint: str, *, current: str | None = None
    ) -> AlertRaised | None:
        return self._open(fingerprint)

    def _open(self, fingerprint: str) -> AlertRaised | None:
        return next(
            (
                a
                for a in self.alerts.values()
                if a.fingerprint == fingerprint and a.status is not AlertStatus.CLOSED
            ),
            None,
        )

    async def explain(
        self,
        entity_ids: list[str],
        report_ids: list[str],
        *,
        previous: AlertRaised | None = None,
    ) -> Explanation:
        return Explanation(
            subgraph=Subgraph(
                nodes=tuple(SubgraphNode(id=i, kind="x", label=i) for i in entity_ids)
            ),
            visibility=tuple(("all",) for _ in report_ids),
        )

    async def save(
        self,
        alert: AlertRaised,
        *,
        anchor_id: str | None,
        history: HistoryEntry,
        replaces: UUID | None = None,
        cited_already: Iterable[str] = (),
    ) -> None:
        current = self.alerts.get(str(alert.alert_id))
        if self.interleave is not None:  # another change lands between the read and the write
            change, self.interleave = self.interleave, None
            self.alerts[str(change.alert_id)] = change
            current = change
        if current is not None and current.event_id != replaces:
            raise AlertChanged("changed meanwhile")
        self.alerts[str(alert.alert_id)] = alert
        self.history.append(history)
        if alert.status is AlertStatus.CLOSED:
            self.closed_at.setdefault(str(alert.alert_id), alert.updated_at)


def alert_candidate(report_count: int) -> AlertCandidate:
    """A shared-hotspot candidate at one place citing `report_count` reports, newest first."""
    return AlertCandidate(
        type=AlertType.SHARED_HOTSPOT,
        fingerprint="shared_hotspot:location:x",
        priority=Priority.MEDIUM,
        summary="3 young people linked to Synthetic Park",
        subjects=(AlertSubject(kind="location", id="location:x", display_name="Synthetic Park"),),
        evidence=tuple(
            Evidence(report_id=UUID(int=i), observed_at=NOW - timedelta(days=i))
            for i in range(report_count)
        ),
        anchor_id="location:x",
        actions=(Action.CONTEXT_PLAN, Action.STRATEGY_MEETING),
    )
