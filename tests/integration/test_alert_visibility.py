"""Handling codes in the alert channel: an alert citing a C-coded report reaches only those its
conditions allow."""

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from common.auth import Role, TokenStore
from common.settings import InfraSettings
from schemas.alerts import AlertRaised, AlertStatus, AlertSubject, AlertType, Evidence, Priority
from schemas.reports import ReportCreate
from services.alerts.config import Settings
from services.alerts.main import create_app
from tests.support import queries
from tests.support.factories import NOW, report_json, sighting_json, submitted
from tests.support.linking import link_events, save_alert

pytestmark = pytest.mark.integration
HOME, POLICE, OTHER_FORCE = "Synthetic Home A", "Synthetic Police", "Synthetic Other Force"


@pytest.fixture
def restricted_alert(settings: InfraSettings, neo4j_driver: Driver) -> Iterator[str]:
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
    alert = AlertRaised(
        event_id=uuid.uuid4(),
        occurred_at=NOW,
        alert_id=uuid.uuid4(),
        type=AlertType.SHARED_HOTSPOT,
        fingerprint=f"shared_hotspot:{place}",
        status=AlertStatus.OPEN,
        priority=Priority.MEDIUM,
        summary="synthetic restricted alert",
        subjects=(AlertSubject(kind="location", id=place, display_name="Synthetic Flat"),),
        evidence=(Evidence(report_id=event.event_id, observed_at=event.report.observed_at),),
        raised_at=NOW,
        updated_at=NOW,
    )
    save_alert(settings, alert, anchor_id=place)
    try:
        yield str(alert.alert_id)
    finally:
        neo4j_driver.execute_query(
            queries.DELETE_REPORTS_AND_THEIR_ENTITIES, report_ids=[str(event.event_id)]
        )


def test_an_alert_citing_a_c_report_reaches_only_its_audience(
    restricted_alert: str, tmp_path: Path
) -> None:
    auth = tmp_path / "users.json"
    store = TokenStore(auth)
    for agency in (HOME, POLICE, OTHER_FORCE):
        store.add_agency(agency)
    tokens = {
        agency: store.issue(user=f"officer.{i}", agency=agency, role=Role.POLICE)
        for i, agency in enumerate((POLICE, OTHER_FORCE))
    }
    with TestClient(create_app(Settings(tessera_auth_file=str(auth)))) as client:

        def visible(agency: str) -> set[str]:
            response = client.get(
                "/v1/alerts",
                params={"limit": 200, "purpose": "synthetic visibility test"},
                headers={"Authorization": f"Bearer {tokens[agency]}"},
            )
            assert response.status_code == 200, response.text
            return {a["alert_id"] for a in response.json()["items"]}

        assert restricted_alert in visible(POLICE)
        assert restricted_alert not in visible(OTHER_FORCE)
