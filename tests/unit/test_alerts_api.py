"""The alert HTTP adapter: who may read, pagination, and the audit of every read."""

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from uuid import UUID, uuid4

from fastapi.testclient import TestClient

from common.auth import Role, TokenStore
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
from services.alerts.deps import get_alert_store, get_evidence
from services.alerts.evidence import CitedReport
from services.alerts.listing import AlertFilter, AlertSort, ListedAlert
from services.alerts.main import create_app
from tests.support.factories import NOW
from tests.support.fakes.audit import FakeAudit

PURPOSE = {"purpose": "unit test of the alert API"}


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
        subjects=(AlertSubject(kind="location", id=f"location:{i}", display_name="Park"),),
        subgraph=Subgraph(
            nodes=(SubgraphNode(id=f"person:{i}", kind="person", label="Ava Synth (synthetic)"),)
        ),
        evidence=(Evidence(report_id=UUID(int=100 + i), observed_at=NOW),),
        raised_at=NOW,
        updated_at=NOW + timedelta(minutes=i),
    )


class FakeAlertStore:
    def __init__(self, alerts: list[AlertRaised]) -> None:
        self._alerts = alerts

    async def list_alerts(self, *, filters, audiences, offset, limit):  # type: ignore[no-untyped-def]
        self.filters = filters
        page = self._alerts[offset : offset + limit]
        return [ListedAlert(a, ("Synthshire",)) for a in page], len(self._alerts)

    async def get_alert(self, alert_id, *, audiences):  # type: ignore[no-untyped-def]
        return next((a for a in self._alerts if a.alert_id == alert_id), None)

    async def history(self, alert_id):  # type: ignore[no-untyped-def]
        return []


class FakeEvidence:
    """What the cited reports said: each report is visible or not, as the fake is told."""

    def __init__(self, visible: bool) -> None:
        self._visible = visible

    async def cited_reports(self, report_ids, *, audiences):  # type: ignore[no-untyped-def]
        if not self._visible:
            return {}
        return {
            rid: CitedReport(
                report_id=UUID(rid),
                observed_at=NOW,
                grading="2B P",
                event_type="sighting",
                place="Synthetic Park",
                narrative="Seen by the gates (synthetic).",
            )
            for rid in report_ids
        }


def _client(
    tmp_path: Path,
    role: Role,
    alerts: list[AlertRaised],
    audit: FakeAudit | None = None,
    *,
    visible: bool = True,
) -> tuple[TestClient, dict[str, str]]:
    tokens = TokenStore(tmp_path / "users.json")
    app = create_app()
    app.state.token_store = tokens
    app.state.audit_trail = (audit or FakeAudit()).trail
    app.dependency_overrides[get_alert_store] = lambda: FakeAlertStore(alerts)
    app.dependency_overrides[get_evidence] = lambda: FakeEvidence(visible)
    tokens.add_agency("Synthetic Police")
    token = tokens.issue(user="pc.synth", agency="Synthetic Police", role=role)
    return TestClient(app), {"Authorization": f"Bearer {token}"}


def test_police_read_alerts_a_page_at_a_time(tmp_path: Path) -> None:
    client, auth = _client(tmp_path, Role.POLICE, [_alert(i) for i in range(5)])
    page = client.get("/v1/alerts", params={"limit": 2, "offset": 2, **PURPOSE}, headers=auth)
    assert [a["alert_id"] for a in page.json()["items"]] == [str(UUID(int=2)), str(UUID(int=3))]
    assert (page.json()["total"], page.json()["next_offset"]) == (5, 4)


def test_submitters_may_not_read_alerts(tmp_path: Path) -> None:
    client, auth = _client(tmp_path, Role.SUBMITTER, [])
    assert client.get("/v1/alerts", params=PURPOSE, headers=auth).status_code == 403


def test_reading_alerts_needs_a_token(tmp_path: Path) -> None:
    client, _ = _client(tmp_path, Role.POLICE, [])
    assert client.get("/v1/alerts", params=PURPOSE).status_code == 401


def test_limit_is_bounded(tmp_path: Path) -> None:
    client, auth = _client(tmp_path, Role.POLICE, [])
    response = client.get("/v1/alerts", params={"limit": 1000, **PURPOSE}, headers=auth)
    assert response.status_code == 422


def test_alert_reads_need_a_purpose_and_are_audited_with_every_subject(tmp_path: Path) -> None:
    audit = FakeAudit()
    client, auth = _client(tmp_path, Role.POLICE, [_alert(i) for i in range(3)], audit)
    for path in ("/v1/alerts", f"/v1/alerts/{UUID(int=1)}"):
        missing = client.get(path, headers=auth)
        assert missing.status_code == 422
        assert missing.json()["detail"][0]["loc"] == ["query", "purpose"]
    assert audit.entries == []

    assert client.get("/v1/alerts", params=PURPOSE, headers=auth).status_code == 200
    assert client.get(f"/v1/alerts/{UUID(int=1)}", params=PURPOSE, headers=auth).status_code == 200
    listed, read = audit.entries
    assert (listed.action, read.action) == ("alerts.list", "alert.read")
    assert (listed.user, listed.agency, listed.role) == ("pc.synth", "Synthetic Police", "police")
    assert listed.purpose == PURPOSE["purpose"]
    assert set(listed.subject_ids) == {f"{k}:{i}" for k in ("location", "person") for i in range(3)}
    assert read.subject_ids == ("location:1", "person:1")


def test_an_alert_read_that_cannot_be_audited_is_a_503_that_returns_nothing(
    tmp_path: Path,
) -> None:
    audit = FakeAudit()
    client, auth = _client(tmp_path, Role.POLICE, [_alert(i) for i in range(3)], audit)
    audit.log.down = True
    for path in ("/v1/alerts", f"/v1/alerts/{UUID(int=1)}"):
        response = client.get(path, params=PURPOSE, headers=auth)
        assert response.status_code == 503
        assert int(response.headers["Retry-After"]) > 0
        assert "Park" not in response.text and "alert_id" not in response.text


def test_a_body_json_text_cannot_echo_is_a_422_naming_the_field(tmp_path: Path) -> None:
    """Fuzzing: the 422 echoed a lone surrogate it could not write, so the caller got a 500."""
    client, auth = _client(tmp_path, Role.POLICE, [_alert(1)])
    answer = client.post(
        f"/v1/alerts/{UUID(int=1)}/feedback",
        content='{"false_positive": "\\ud800"}',
        headers=auth | {"Content-Type": "application/json"},
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["loc"] == ["body", "false_positive"]


def test_the_list_shows_each_alerts_areas(tmp_path: Path) -> None:
    client, auth = _client(tmp_path, Role.POLICE, [_alert(1)])
    page = client.get("/v1/alerts", params=PURPOSE, headers=auth).json()
    assert page["items"][0]["areas"] == ["Synthshire"]
    assert page["items"][0]["summary"] == "3 young people linked to Synthetic Park"


def test_the_lists_filters_reach_the_store_and_the_audit(tmp_path: Path) -> None:
    audit = FakeAudit()
    store = FakeAlertStore([_alert(1)])
    client, auth = _client(tmp_path, Role.POLICE, [], audit)
    client.app.dependency_overrides[get_alert_store] = lambda: store  # type: ignore[attr-defined]
    params = {
        "type": "shared_hotspot",
        "priority": "high",
        "area": " Synthshire ",
        "subject": "Ava",
        "q": "take-away",
        "raised_from": "2026-11-01T00:00:00Z",
        "raised_to": "2026-11-02T00:00:00+01:00",
        "sort": "priority",
        **PURPOSE,
    }
    assert client.get("/v1/alerts", params=params, headers=auth).status_code == 200
    f = store.filters
    assert (f.type, f.priority, f.area, f.subject, f.text, f.sort) == (
        AlertType.SHARED_HOTSPOT,
        Priority.HIGH,
        "Synthshire",
        "Ava",
        "take-away",
        AlertSort.PRIORITY,
    )
    assert f.raised_to == datetime(2026, 11, 1, 23, tzinfo=UTC)
    assert f.parameters()["subject"] == "ava"
    [entry] = audit.entries
    assert "q=take-away" in entry.parameters and "sort=priority" in entry.parameters


def test_the_list_refuses_an_unknown_sort_and_a_date_without_a_time_zone_or_instant(
    tmp_path: Path,
) -> None:
    client, auth = _client(tmp_path, Role.POLICE, [])
    for bad in (
        {"sort": "name"},
        {"raised_from": "2026-11-01T00:00:00"},
        {"raised_to": "0001-01-01T00:00:00+00:01"},  # no instant in UTC (the fuzz test's 500)
    ):
        answer = client.get("/v1/alerts", params={**bad, **PURPOSE}, headers=auth)
        assert answer.status_code == 422, answer.text
        assert answer.json()["detail"][0]["loc"] == ["query", next(iter(bad))]


def test_an_alerts_evidence_shows_what_each_report_said(tmp_path: Path) -> None:
    audit = FakeAudit()
    client, auth = _client(tmp_path, Role.POLICE, [_alert(1)], audit)
    detail = client.get(f"/v1/alerts/{UUID(int=1)}", params=PURPOSE, headers=auth).json()
    [entry] = detail["evidence"]
    assert entry == {
        "report_id": str(UUID(int=101)),
        "observed_at": NOW.isoformat().replace("+00:00", "Z"),
        "grading": "2B P",
        "event_type": "sighting",
        "place": "Synthetic Park",
        "narrative": "Seen by the gates (synthetic).",
        "retracted": False,
    }
    assert f"reports={UUID(int=101)}" in audit.entries[0].parameters


def test_a_report_the_reader_may_not_see_gives_nothing_of_itself(tmp_path: Path) -> None:
    client, auth = _client(tmp_path, Role.POLICE, [_alert(1)], visible=False)
    detail = client.get(f"/v1/alerts/{UUID(int=1)}", params=PURPOSE, headers=auth).json()
    assert detail["evidence"] == []
    assert "Seen by the gates" not in json.dumps(detail)


def test_a_date_filter_reaches_the_store_in_utc_whatever_offset_it_was_sent_with() -> None:
    # Python accepts offsets up to 24 hours; Neo4j refuses those beyond 18 (the fuzz test's 500).
    far = datetime(2026, 11, 2, 12, 0, tzinfo=timezone(timedelta(hours=23, minutes=59)))
    sent = AlertFilter(raised_from=far, raised_to=far).parameters()
    assert sent["raised_from"] == sent["raised_to"] == "2026-11-01T12:01:00+00:00"
