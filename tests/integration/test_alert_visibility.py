"""Handling codes in the alert channel: an alert citing a C-coded report reaches only those its
conditions allow."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from common.auth import Role, TokenStore
from common.settings import InfraSettings
from services.alerts.config import Settings
from services.alerts.main import create_app
from tests.support import queries
from tests.support.factories import NOW
from tests.support.linking import restricted_hotspot_alert

pytestmark = pytest.mark.integration
HOME, POLICE, OTHER_FORCE = "Synthetic Home A", "Synthetic Police", "Synthetic Other Force"


@pytest.fixture
def restricted_alert(settings: InfraSettings, neo4j_driver: Driver) -> Iterator[str]:
    event, alert = restricted_hotspot_alert(settings, home=HOME, visible_to=POLICE, at=NOW)
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
            # Looked for by its id: a store holding other alerts (a bench's) fills the pages.
            response = client.get(
                "/v1/alerts",
                params={
                    "q": restricted_alert,
                    "limit": 200,
                    "purpose": "synthetic visibility test",
                },
                headers={"Authorization": f"Bearer {tokens[agency]}"},
            )
            assert response.status_code == 200, response.text
            return {a["alert_id"] for a in response.json()["items"]}

        assert restricted_alert in visible(POLICE)
        assert restricted_alert not in visible(OTHER_FORCE)
