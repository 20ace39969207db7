"""The alert HTTP adapter: who may read, and pagination."""

from datetime import timedelta
from pathlib import Path
from uuid import UUID, uuid4

from fastapi.testclient import TestClient

from common.auth import Role, TokenStore
from schemas.alerts import AlertRaised, AlertStatus, AlertType, Evidence, Priority
from services.alerts.deps import get_alert_store
from services.alerts.main import create_app
from tests.factories import NOW


def _alert(i: int) -> AlertRaised:
    return AlertRaised(
        event_id=uuid4(),
        occurred_at=NOW,
        alert_id=UUID(int=i),
        type=AlertType.SHARED_HOTSPOT,
        fingerprint=f"shared_hotspot:location:{i}",
        status=AlertStatus.OPEN,
        priority=Priority.MEDIUM,
        summary="3 young people linked to Synthetic Park",
        subjects=(),
        evidence=(Evidence(report_id=UUID(int=100 + i), observed_at=NOW),),
        raised_at=NOW,
        updated_at=NOW + timedelta(minutes=i),
    )


class FakeAlertStore:
    def __init__(self, alerts: list[AlertRaised]) -> None:
        self._alerts = alerts

    async def list_alerts(self, *, status, type_, priority, assignee, audiences, offset, limit):  # type: ignore[no-untyped-def]
        return self._alerts[offset : offset + limit], len(self._alerts)


def _client(
    tmp_path: Path, role: Role, alerts: list[AlertRaised]
) -> tuple[TestClient, dict[str, str]]:
    tokens = TokenStore(tmp_path / "users.json")
    app = create_app()
    app.state.token_store = tokens
    app.dependency_overrides[get_alert_store] = lambda: FakeAlertStore(alerts)
    tokens.add_agency("Synthetic Police")
    token = tokens.issue(user="pc.synth", agency="Synthetic Police", role=role)
    return TestClient(app), {"Authorization": f"Bearer {token}"}


def test_police_read_alerts_a_page_at_a_time(tmp_path: Path) -> None:
    client, auth = _client(tmp_path, Role.POLICE, [_alert(i) for i in range(5)])
    page = client.get("/v1/alerts", params={"limit": 2, "offset": 2}, headers=auth).json()
    assert [a["alert_id"] for a in page["items"]] == [str(UUID(int=2)), str(UUID(int=3))]
    assert (page["total"], page["next_offset"]) == (5, 4)


def test_submitters_may_not_read_alerts(tmp_path: Path) -> None:
    client, auth = _client(tmp_path, Role.SUBMITTER, [])
    assert client.get("/v1/alerts", headers=auth).status_code == 403


def test_reading_alerts_needs_a_token(tmp_path: Path) -> None:
    client, _ = _client(tmp_path, Role.POLICE, [])
    assert client.get("/v1/alerts").status_code == 401


def test_limit_is_bounded(tmp_path: Path) -> None:
    client, auth = _client(tmp_path, Role.POLICE, [])
    response = client.get("/v1/alerts", params={"limit": 1000}, headers=auth)
    assert response.status_code == 422
