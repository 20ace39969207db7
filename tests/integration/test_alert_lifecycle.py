"""The alert lifecycle on the real Neo4j through the alert API with real tokens: acknowledge,
assign, action, close and feedback, who may change an alert, and the cool-down after closing."""

import asyncio
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from neo4j import AsyncGraphDatabase, Driver

from common.auth import Role, TokenStore
from common.settings import InfraSettings
from schemas.alerts import AlertRaised, AlertStatus, AlertSubject, AlertType, Evidence, Priority
from schemas.reports import ReportCreate
from services.alerts.config import Settings
from services.alerts.detectors.candidate import AlertCandidate
from services.alerts.main import create_app
from services.alerts.store import Neo4jAlertStore
from tests import queries
from tests.factories import report_json, sighting_json, submitted
from tests.linking import link_events, record, save_alert

pytestmark = pytest.mark.integration
HOME, POLICE, OTHER_FORCE = "Synthetic Home A", "Synthetic Police", "Synthetic Other Force"

Json = dict[str, Any]
DELETE_HISTORY = "MATCH (h:AlertHistory {alert_id: $alert_id}) DETACH DELETE h"


@pytest.fixture
def alert(settings: InfraSettings, neo4j_driver: Driver) -> Iterator[AlertRaised]:
    """An open alert citing one C-coded report that only Synthetic Police may see."""
    tag = uuid.uuid4().hex[:6]
    body = sighting_json(f"Ava Synth{tag}", place=f"Synthetic Flat {tag}")
    body = report_json(
        body["event"],
        grading={
            "source": 1,
            "intelligence": "A",
            "handling": "C",
            "conditions": {"agencies": [POLICE]},
        },
    )
    event = submitted(ReportCreate.model_validate(body), agency=HOME)
    linked = link_events(settings, [event])
    place = next(e.id for e in linked[0].entities if e.kind == "location")
    raised = datetime.now(UTC) - timedelta(minutes=1)  # before every change the test makes
    alert = AlertRaised(
        event_id=uuid.uuid4(),
        occurred_at=raised,
        alert_id=uuid.uuid4(),
        type=AlertType.SHARED_HOTSPOT,
        fingerprint=f"shared_hotspot:{place}",
        status=AlertStatus.OPEN,
        priority=Priority.MEDIUM,
        summary="synthetic restricted alert",
        subjects=(AlertSubject(kind="location", id=place, display_name="Synthetic Flat"),),
        evidence=(Evidence(report_id=event.event_id, observed_at=event.report.observed_at),),
        raised_at=raised,
        updated_at=raised,
    )
    save_alert(settings, alert, anchor_id=place)
    try:
        yield alert
    finally:
        neo4j_driver.execute_query(
            queries.DELETE_REPORTS_AND_THEIR_ENTITIES, report_ids=[str(event.event_id)]
        )
        neo4j_driver.execute_query(DELETE_HISTORY, alert_id=str(alert.alert_id))


@dataclass
class Api:
    client: TestClient
    auth: dict[str, dict[str, str]]  # Authorization header per user

    def get(self, user: str, path: str, **params: str) -> tuple[int, Json]:
        response = self.client.get(path, params=params, headers=self.auth[user])
        return response.status_code, response.json()

    def post(self, user: str, path: str, body: Json | None = None) -> tuple[int, Json]:
        response = self.client.post(path, json=body, headers=self.auth[user])
        return response.status_code, response.json()


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    """The alert API on the real Neo4j, and real tokens for four users."""
    auth_file = tmp_path / "users.json"
    store = TokenStore(auth_file)
    for agency in (HOME, POLICE, OTHER_FORCE):
        store.add_agency(agency)
    users = {
        "pc.synth": (POLICE, Role.POLICE),
        "an.synth": (POLICE, Role.ANALYST),
        "pc.other": (OTHER_FORCE, Role.POLICE),
    }
    auth = {
        user: {"Authorization": f"Bearer {store.issue(user=user, agency=agency, role=role)}"}
        for user, (agency, role) in users.items()
    }
    with TestClient(create_app(Settings(tessera_auth_file=str(auth_file)))) as client:
        yield Api(client=client, auth=auth)


def _record_again(settings: InfraSettings, alert: AlertRaised, *, more: bool) -> AlertRaised | None:
    """Run the detector's use case on the real store for the closed alert's pattern."""
    extra = (Evidence(report_id=uuid.uuid4(), observed_at=datetime.now(UTC)),) if more else ()
    candidate = AlertCandidate(
        type=alert.type,
        fingerprint=alert.fingerprint,
        priority=alert.priority,
        summary=alert.summary,
        subjects=alert.subjects,
        evidence=alert.evidence + extra,
        anchor_id=alert.subjects[0].id,
    )

    return record(settings, candidate, now=datetime.now(UTC))


def test_an_alert_goes_through_its_lifecycle_and_keeps_its_history(
    alert: AlertRaised, api: Api, settings: InfraSettings
) -> None:
    path = f"/v1/alerts/{alert.alert_id}"

    code, body = api.post("pc.synth", f"{path}/acknowledge")
    assert (code, body["status"]) == (200, "acknowledged"), body
    assert body["alert_id"] == str(alert.alert_id) and body["event_id"] != str(alert.event_id)

    code, body = api.post("pc.synth", f"{path}/acknowledge")
    assert code == 409
    assert body["detail"] == (
        "cannot acknowledge an alert that is acknowledged: "
        "acknowledge is allowed only when it is open"
    )

    code, body = api.post("pc.synth", f"{path}/assign", {"assignee": "ds.synth"})
    assert (code, body["assignee"], body["status"]) == (200, "ds.synth", "acknowledged"), body

    def listed(**filters: str) -> bool:
        code, page = api.get("pc.synth", "/v1/alerts", limit="200", **filters)
        assert code == 200, page
        return str(alert.alert_id) in {a["alert_id"] for a in page["items"]}

    assert listed(assignee="ds.synth", priority="medium")
    assert not listed(assignee="someone.else")
    assert not listed(assignee="ds.synth", priority="urgent")

    code, body = api.post("pc.synth", f"{path}/action", {"note": "strategy meeting held"})
    assert (code, body["status"]) == (200, "actioned"), body

    code, body = api.post(
        "pc.synth", f"{path}/close", {"reason": "disruption complete", "false_positive": False}
    )
    assert (code, body["status"], body["closure_reason"]) == (200, "closed", "disruption complete")

    code, body = api.post("pc.synth", f"{path}/assign", {"assignee": "ds.synth"})
    assert code == 409, body
    assert "allowed only when it is open or acknowledged or actioned" in body["detail"]

    code, body = api.post(
        "pc.synth", f"{path}/feedback", {"false_positive": True, "comment": "a school trip"}
    )
    assert (code, body["status"], body["false_positive"]) == (200, "closed", True), body

    code, detail = api.get("pc.synth", path)
    assert code == 200, detail
    assert detail["alert"]["status"] == "closed" and detail["alert"]["assignee"] == "ds.synth"
    steps = [(h["by"], h["action"], h["status"], h["note"]) for h in detail["history"]]
    assert steps == [
        ("test", "raised", "open", ""),
        ("pc.synth", "acknowledged", "acknowledged", ""),
        ("pc.synth", "assigned", "acknowledged", "to ds.synth"),
        ("pc.synth", "actioned", "actioned", "strategy meeting held"),
        ("pc.synth", "closed", "closed", "disruption complete"),
        ("pc.synth", "feedback", "closed", "false positive: a school trip"),
    ]
    times = [datetime.fromisoformat(h["at"]) for h in detail["history"]]
    assert times == sorted(times)

    # Closed, the pattern stays quiet: the same evidence again, or new evidence within the
    # cool-down, raises nothing.
    assert _record_again(settings, alert, more=False) is None
    assert _record_again(settings, alert, more=True) is None


def test_analysts_may_read_an_alert_but_not_change_it(alert: AlertRaised, api: Api) -> None:
    path = f"/v1/alerts/{alert.alert_id}"
    code, detail = api.get("an.synth", path)
    assert (code, detail["alert"]["status"]) == (200, "open")
    code, body = api.post("an.synth", f"{path}/acknowledge")
    assert (code, body["detail"]) == (403, "your role may not change alerts")
    assert api.get("pc.synth", path)[1]["alert"]["status"] == "open"


def test_an_alert_a_caller_may_not_see_is_not_found(alert: AlertRaised, api: Api) -> None:
    path = f"/v1/alerts/{alert.alert_id}"
    missing = f"/v1/alerts/{uuid.uuid4()}"
    assert (
        api.get("pc.other", path)
        == api.get("pc.other", missing)
        == (404, {"detail": "no such alert"})
    )
    assert api.post("pc.other", f"{path}/acknowledge") == (404, {"detail": "no such alert"})
    code, body = api.post("pc.other", f"{path}/close", {"reason": "not ours"})
    assert code == 404, body
    assert api.get("pc.synth", path)[1]["alert"]["status"] == "open"


@pytest.mark.parametrize("body", [{}, {"reason": "   "}, {"reason": "x" * 501}])
def test_closing_needs_a_reason(alert: AlertRaised, api: Api, body: Json) -> None:
    code, answer = api.post("pc.synth", f"/v1/alerts/{alert.alert_id}/close", body)
    assert code == 422, answer
    assert answer["detail"][0]["loc"] == ["body", "reason"]


def test_a_note_json_cannot_echo_is_stored_not_a_500(alert: AlertRaised, api: Api) -> None:
    """A lone surrogate parses from JSON but no UTF-8 writer takes it: it becomes U+FFFD."""
    path = f"/v1/alerts/{alert.alert_id}"
    assert api.post("pc.synth", f"{path}/acknowledge")[0] == 200
    response = api.client.post(
        f"{path}/action",
        content='{"note": "seen \\ud800 twice"}',
        headers=api.auth["pc.synth"] | {"Content-Type": "application/json"},
    )
    assert response.status_code == 200, response.text
    history = api.get("pc.synth", path)[1]["history"]
    assert history[-1]["note"] == "seen \ufffd twice"


def test_a_change_made_from_an_old_version_is_refused_not_saved_over_a_newer_one(
    settings: InfraSettings, alert: AlertRaised
) -> None:
    from services.alerts.lifecycle import AlertChanged, HistoryEntry

    async def run() -> AlertRaised | None:
        driver = AsyncGraphDatabase.driver(
            settings.neo4j_uri,
            auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
        )
        store = Neo4jAlertStore(driver=driver, database=settings.neo4j_database)
        try:
            now = datetime.now(UTC)
            entry = HistoryEntry(at=now, by="t", action="acknowledged", status=AlertStatus.OPEN)
            newer = alert.model_copy(update={"event_id": uuid.uuid4(), "assignee": "ds.a"})
            await store.save(newer, anchor_id=None, history=entry, replaces=alert.event_id)
            await store.save(newer, anchor_id=None, history=entry, replaces=alert.event_id)
            stale = alert.model_copy(update={"event_id": uuid.uuid4(), "assignee": "ds.b"})
            with pytest.raises(AlertChanged):
                await store.save(stale, anchor_id=None, history=entry, replaces=alert.event_id)
            return await store.get_alert(alert.alert_id, audiences=["agency:" + POLICE])
        finally:
            await driver.close()

    kept = asyncio.run(run())
    assert kept is not None and kept.assignee == "ds.a"  # a retried write is not a conflict
