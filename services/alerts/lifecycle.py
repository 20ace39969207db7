"""Use case: de-duplicate a detected pattern into a new or updated alert."""

from collections.abc import Callable
from datetime import datetime
from typing import Protocol
from uuid import UUID

from schemas.alerts import AlertRaised, AlertStatus
from services.alerts.detectors.shared_hotspot import AlertCandidate


class AlertStore(Protocol):
    """Where alerts are kept, found by their fingerprint."""

    async def open_alert(self, fingerprint: str) -> AlertRaised | None:
        """The alert with this fingerprint that is not closed, if any."""
        ...

    async def save(self, alert: AlertRaised, *, anchor_id: str) -> None:
        """Create or replace the alert, idempotent by alert id."""
        ...


async def record_alert(
    *,
    candidate: AlertCandidate,
    store: AlertStore,
    now: datetime,
    new_id: Callable[[], UUID],
) -> AlertRaised | None:
    """Save a new alert, or update the open one with new evidence; None when nothing changed."""
    existing = await store.open_alert(candidate.fingerprint)
    if existing is not None and set(existing.evidence) == set(candidate.evidence):
        return None
    alert = AlertRaised(
        event_id=new_id(),
        occurred_at=now,
        alert_id=existing.alert_id if existing else new_id(),
        type=candidate.type,
        fingerprint=candidate.fingerprint,
        status=existing.status if existing else AlertStatus.OPEN,
        priority=candidate.priority,
        summary=candidate.summary,
        subjects=candidate.subjects,
        evidence=candidate.evidence,
        raised_at=existing.raised_at if existing else now,
        updated_at=now,
    )
    await store.save(alert, anchor_id=candidate.anchor_id)
    return alert
