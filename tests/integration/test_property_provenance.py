"""Finding 2 of issue 13: what a C report says of a person or a place (date of birth, flags,
home authority, coordinates, category) reaches only the callers its conditions allow, though
a P report makes the entity itself visible to everyone."""

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from common.auth import Role
from common.settings import InfraSettings
from schemas.reports import ReportCreate
from services.network.analyst.main import create_app
from services.network.config import Settings
from tests.support import queries
from tests.support.factories import report_json, shared_only_with, submitted
from tests.support.linking import link_events
from tests.support.tokens import bearer_headers

pytestmark = pytest.mark.integration

HOME, POLICE, ANALYSTS = "Synthetic Home A", "Synthetic Police", "Synthetic Analysts"
PURPOSE = {"purpose": "integration test of property provenance"}
CANARY_DOB = "2011-02-27"
CANARY_AUTHORITY = "Synthetic Canaryshire"
CANARY_LAT, CANARY_LON = 51.123457, -0.987654


@dataclass
class World:
    client: TestClient
    tokens: dict[str, dict[str, str]]
    person: str
    place: str
    name: str

    def get(self, who: str, path: str, **params: Any) -> Any:
        response = self.client.get(path, params={**PURPOSE, **params}, headers=self.tokens[who])
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture
def world(settings: InfraSettings, neo4j_driver: Driver, tmp_path: Path) -> Iterator[World]:
    tag = uuid.uuid4().hex[:6]
    name = f"Cara Synth{tag}"
    place = {"name": f"Synthetic Rec {tag}", "postcode": "ZZ99 9ZZ"}
    # One home address in every report: the dated mention is this child, not a namesake.
    home = {"home_address": f"4 Synthetic Row {tag}"}
    shared = report_json(
        {
            "type": "sighting",
            "persons": [{"name": name, "role": "young_person", **home}],
            "place": place,
        }
    )
    restricted = report_json(
        {
            "type": "sighting",
            "persons": [
                {
                    "name": name,
                    "role": "young_person",
                    **home,
                    "date_of_birth": CANARY_DOB,
                    "home_local_authority": CANARY_AUTHORITY,
                    "flags": {"learning_disability": True, "additional_needs": True},
                }
            ],
            "place": {
                **place,
                "category": "take_away",
                "coordinates": {"lat": CANARY_LAT, "lon": CANARY_LON},
            },
        },
        grading=shared_only_with(POLICE),
    )
    found = report_json(
        {
            "type": "missing_ended",
            "child": {"name": name, "role": "young_person", **home},
            "found_at": "2026-11-21T09:00:00Z",
            "found_place": place,
            "circumstances": "found_by_police",
        },
        grading=shared_only_with(POLICE),
    )
    events = [
        submitted(ReportCreate.model_validate(shared), agency=HOME),
        submitted(ReportCreate.model_validate(restricted), agency=POLICE),
        submitted(ReportCreate.model_validate(found), agency=POLICE),
    ]
    linked = link_events(settings, events)
    (person,) = {e.id for e in linked[0].entities if e.kind == "person"}
    assert person in {e.id for e in linked[1].entities}, "the two mentions should be one person"
    place_id = next(e.id for e in linked[0].entities if e.kind == "location")
    auth = tmp_path / "users.json"
    tokens = bearer_headers(
        auth,
        (HOME, POLICE, ANALYSTS),
        {
            "outside": ("a.outside", ANALYSTS, Role.ANALYST),
            "inside": ("p.inside", POLICE, Role.ANALYST),
        },
    )
    try:
        with TestClient(create_app(Settings(tessera_auth_file=str(auth)))) as client:
            yield World(client, tokens, person, place_id, name)
    finally:
        neo4j_driver.execute_query(
            queries.DELETE_REPORTS_AND_THEIR_ENTITIES,
            report_ids=[str(e.event_id) for e in events],
        )


def _profile(world: World, who: str) -> dict[str, Any]:
    body: dict[str, Any] = world.get(who, f"/v1/entities/{world.person}")
    return body


def _place_node(world: World, who: str) -> dict[str, Any]:
    network = world.get(who, f"/v1/entities/{world.person}/network", depth=1)
    node: dict[str, Any] = next(n for n in network["nodes"] if n["id"] == world.place)
    return node


def test_a_person_profile_shows_only_what_reports_the_caller_may_see_state(world: World) -> None:
    outside = _profile(world, "outside")["person"]
    assert outside["date_of_birth"] is None
    assert outside["home_local_authority"] is None
    assert not outside["learning_disability"] and not outside["additional_needs"]
    assert CANARY_DOB not in str(_profile(world, "outside"))
    assert CANARY_AUTHORITY not in str(_profile(world, "outside"))
    inside = _profile(world, "inside")["person"]
    assert inside["date_of_birth"] == CANARY_DOB
    assert inside["home_local_authority"] == CANARY_AUTHORITY
    assert inside["learning_disability"] and inside["additional_needs"]


def test_a_date_of_birth_only_a_c_report_states_finds_no_one_outside_it(world: World) -> None:
    outside = world.get("outside", "/v1/persons", date_of_birth=CANARY_DOB)
    assert world.person not in str(outside)
    inside = world.get("inside", "/v1/persons", date_of_birth=CANARY_DOB)
    assert world.person in str(inside)


def test_coordinates_and_category_only_a_c_report_states_stay_with_it(
    world: World, neo4j_driver: Driver
) -> None:
    outside = _place_node(world, "outside")
    # Every report of the place gives its postcode (it is part of the place's id), so an
    # outsider may see the postcode's centroid, once `tessera geo load` knows it: never the
    # C report's own coordinates.
    centroid = neo4j_driver.execute_query(queries.CENTROID_OF, postcode="ZZ99 9ZZ")[0]
    located = (centroid[0]["lat"], centroid[0]["lon"]) if centroid else (None, None)
    assert (outside["lat"], outside["lon"]) == located
    assert outside["category"] != "take_away"
    inside = _place_node(world, "inside")
    assert (inside["lat"], inside["lon"]) == (CANARY_LAT, CANARY_LON)
    assert inside["category"] == "take_away"
    assert str(CANARY_LAT) not in str(world.get("outside", f"/v1/entities/{world.place}"))


def test_a_links_details_come_only_from_reports_the_caller_may_see(world: World) -> None:
    def seen_at(who: str) -> dict[str, Any]:
        network = world.get(who, f"/v1/entities/{world.person}/network", depth=1)
        edge: dict[str, Any] = next(
            e for e in network["edges"] if e["type"] == "SEEN_AT" and e["target"] == world.place
        )
        return edge

    assert "found" not in seen_at("outside")["details"]
    assert "found" in seen_at("inside")["details"]
