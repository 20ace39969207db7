"""De-duplication: new evidence updates the open alert instead of raising another."""

import asyncio
import uuid
from datetime import timedelta
from uuid import UUID

from schemas.alerts import AlertRaised, AlertStatus, AlertSubject, AlertType, Evidence, Priority
from services.alerts.detectors.shared_hotspot import AlertCandidate
from services.alerts.lifecycle import record_alert
from tests.factories import NOW


class FakeAlertStore:
    def __init__(self) -> None:
        self.alerts: dict[str, AlertRaised] = {}

    async def open_alert(self, fingerprint: str) -> AlertRaised | None:
        return next((a for a in self.alerts.values() if a.fingerprint == fingerprint), None)

    async def save(self, alert: AlertRaised, *, anchor_id: str) -> None:
        self.alerts[str(alert.alert_id)] = alert


def _candidate(report_count: int) -> AlertCandidate:
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
    )


def _record(store: FakeAlertStore, candidate: AlertCandidate, minutes: int) -> AlertRaised | None:
    return asyncio.run(
        record_alert(
            candidate=candidate,
            store=store,
            now=NOW + timedelta(minutes=minutes),
            new_id=uuid.uuid4,
        )
    )


def test_first_detection_opens_an_alert() -> None:
    store = FakeAlertStore()
    alert = _record(store, _candidate(3), 0)
    assert alert is not None and alert.status is AlertStatus.OPEN
    assert len(store.alerts) == 1


def test_same_evidence_again_changes_nothing() -> None:
    store = FakeAlertStore()
    _record(store, _candidate(3), 0)
    assert _record(store, _candidate(3), 5) is None
    assert len(store.alerts) == 1


def test_new_evidence_updates_the_open_alert() -> None:
    store = FakeAlertStore()
    first = _record(store, _candidate(3), 0)
    second = _record(store, _candidate(4), 5)
    assert first is not None and second is not None
    assert second.alert_id == first.alert_id
    assert second.raised_at == first.raised_at and second.updated_at > first.updated_at
    assert len(second.evidence) == 4 and len(store.alerts) == 1
