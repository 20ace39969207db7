"""The alert versions a worker keeps of those it saved: as many as its setting allows, the
longest unsaved let go first, so that a busy place's alert is read back only once let go."""

from uuid import UUID

from schemas.alerts import AlertRaised, AlertStatus, AlertType, Evidence, Priority
from services.alerts.agents import WorkerMemory
from services.alerts.config import Settings
from services.alerts.store import SavedVersions
from tests.support.factories import NOW


def _alert(place: str, *, reports: int, status: AlertStatus = AlertStatus.OPEN) -> AlertRaised:
    return AlertRaised(
        event_id=UUID(int=1),
        occurred_at=NOW,
        alert_id=UUID(int=2),
        type=AlertType.SHARED_HOTSPOT,
        fingerprint=f"shared_hotspot:location:{place}",
        status=status,
        priority=Priority.MEDIUM,
        summary="synthetic",
        subjects=(),
        evidence=tuple(
            Evidence(report_id=UUID(int=100 + i), observed_at=NOW) for i in range(reports)
        ),
        raised_at=NOW,
        updated_at=NOW,
    )


def test_a_worker_keeps_the_versions_its_setting_allows() -> None:
    memory = WorkerMemory.of(Settings(alerts_saved_versions_keep=25))
    assert memory.versions is not None
    first, second, third = (_alert(p, reports=10) for p in "abc")
    for alert in (first, second):
        memory.versions.saved(alert)
    assert memory.versions.get(first.fingerprint) == first  # 20 of 25
    memory.versions.saved(third)  # 30: the longest unsaved is let go
    assert memory.versions.get(first.fingerprint) is None
    assert memory.versions.get(second.fingerprint) == second
    assert memory.versions.get(third.fingerprint) == third


def test_a_version_saved_again_is_kept_longest_and_a_closed_one_not_at_all() -> None:
    versions = SavedVersions(keep=25)
    first, second, third = (_alert(p, reports=10) for p in "abc")
    for alert in (first, second, first, third):
        versions.saved(alert)
    assert versions.get(second.fingerprint) is None
    assert versions.get(first.fingerprint) == first
    versions.saved(_alert("a", reports=10, status=AlertStatus.CLOSED))
    assert versions.get(first.fingerprint) is None
