"""Postcode centroids on the real Neo4j (issue 18): `tessera geo load` locates every place with
a postcode the file knows, the linking step locates places linked later, and the analyst API
shows a place at its centroid unless a report it may see gives the place's own coordinates."""

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from common.auth import Role, TokenStore
from common.settings import InfraSettings
from schemas.reports import ReportCreate
from services.network.analyst.main import create_app
from services.network.config import Settings
from services.network.linking import queries as network_queries
from tessera_cli import geo
from tests.support import queries
from tests.support.factories import report_json, submitted
from tests.support.linking import link_events

pytestmark = pytest.mark.integration

ANALYSTS = "Synthetic Analysts"
PURPOSE = {"purpose": "integration test of the map's postcode centroids"}
CHIP_SHOP = (52.682230, -1.280410)  # ZZ99 4CS in infra/geo/onspd-synthetic.csv
CARE_HOME = (52.669660, -1.286480)  # ZZ99 1HM


@dataclass
class Places:
    client: TestClient
    token: dict[str, str]
    settings: InfraSettings
    driver: Driver
    tag: str
    report_ids: list[str]

    def link(self, *places: dict[str, Any]) -> list[str]:
        """Link a sighting at each place; the places' ids, in order."""
        ids = []
        for place in places:
            event = submitted(
                ReportCreate.model_validate(
                    report_json(
                        {
                            "type": "sighting",
                            "persons": [{"name": f"Ava Synth{self.tag}"}],
                            "place": place,
                        }
                    )
                )
            )
            (linked,) = link_events(self.settings, [event])
            self.report_ids.append(str(event.event_id))
            ids.append(next(e.id for e in linked.entities if e.kind == "location"))
        return ids

    def shown_at(self, location_id: str) -> tuple[float | None, float | None]:
        response = self.client.get(
            f"/v1/entities/{location_id}", params=PURPOSE, headers=self.token
        )
        assert response.status_code == 200, response.text
        entity = response.json()["entity"]
        return entity["lat"], entity["lon"]


@pytest.fixture
def places(settings: InfraSettings, neo4j_driver: Driver, tmp_path: Path) -> Iterator[Places]:
    auth = tmp_path / "users.json"
    store = TokenStore(auth)
    store.add_agency(ANALYSTS)
    token = {
        "Authorization": f"Bearer {store.issue(user='a.map', agency=ANALYSTS, role=Role.ANALYST)}"
    }
    report_ids: list[str] = []
    try:
        with TestClient(create_app(Settings(tessera_auth_file=str(auth)))) as client:
            yield Places(client, token, settings, neo4j_driver, uuid.uuid4().hex[:8], report_ids)
    finally:
        neo4j_driver.execute_query(queries.DELETE_REPORTS_AND_THEIR_ENTITIES, report_ids=report_ids)


def test_loading_the_file_locates_every_place_with_a_postcode_it_knows(places: Places) -> None:
    shop, unknown, own = places.link(
        {"name": f"Synthetic Chip Shop {places.tag}", "postcode": "ZZ99 4CS"},
        {"name": f"Synthetic Corner {places.tag}", "postcode": "ZZ99 8NG"},  # not placeable
        {
            "name": f"Synthetic Bench {places.tag}",
            "postcode": "ZZ99 4CS",
            "coordinates": {"lat": 52.7, "lon": -1.3},
        },
    )
    loaded = geo.load(places.settings, geo.SYNTHETIC_FILE)
    assert (loaded.centroids, loaded.skipped) == (7, 1)
    assert places.shown_at(shop) == CHIP_SHOP
    assert places.shown_at(unknown) == (None, None)
    assert places.shown_at(own) == (52.7, -1.3), "a report's own coordinates come first"


def test_the_linking_step_locates_a_place_linked_after_the_file_was_loaded(
    places: Places,
) -> None:
    geo.load(places.settings, geo.SYNTHETIC_FILE)
    (home,) = places.link({"name": f"Synthetic House {places.tag}", "postcode": "ZZ99 1HM"})
    # The worker runs this with the rows MERGE_LOCATIONS wrote, in the same transaction.
    places.driver.execute_query(
        network_queries.LOCATE_PLACES_BY_POSTCODE, rows=[{"id": home, "postcode": "ZZ99 1HM"}]
    )
    assert places.shown_at(home) == CARE_HOME
