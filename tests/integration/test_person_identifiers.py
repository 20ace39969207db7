"""Issue 15, item 1: a report's home address, postcode and identifiers land on its MENTIONS, the
person node keeps them for matching, and a profile shows them only to readers who may see the
report that gave them."""

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
from tests.support.factories import (
    report_json,
    shared_only_with,
    submitted,
    synthetic_nhs_number,
    synthetic_pnc_id,
    synthetic_upn,
)
from tests.support.linking import link_events
from tests.support.tokens import bearer_headers

pytestmark = pytest.mark.integration

HOME, POLICE, ANALYSTS = "Synthetic Home A", "Synthetic Police", "Synthetic Analysts"
PURPOSE = {"purpose": "integration test of person identifiers"}
AUTHORITY = "Synthetic Canaryshire"
ADDRESS = "1 Canary Row, Synthtown"


@dataclass
class World:
    client: TestClient
    tokens: dict[str, dict[str, str]]
    driver: Driver
    person: str
    restricted: str
    said: dict[str, str]

    def profile(self, who: str) -> dict[str, Any]:
        response = self.client.get(
            f"/v1/entities/{self.person}", params=PURPOSE, headers=self.tokens[who]
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


@pytest.fixture
def world(settings: InfraSettings, neo4j_driver: Driver, tmp_path: Path) -> Iterator[World]:
    tag = uuid.uuid4().hex[:6]
    serial = int(tag, 16)
    name = f"Cara Synth{tag}"
    said = {
        "nhs_number": synthetic_nhs_number(serial),
        "upn": synthetic_upn(serial),
        "pnc_id": synthetic_pnc_id(serial),
        "pnd_id": f"PND-{tag.upper()}",
        "la_child_id": f"LA{tag}",
    }
    place = {"name": f"Synthetic Rec {tag}", "postcode": "ZZ99 9ZZ"}
    shared = report_json(
        {"type": "sighting", "persons": [{"name": name, "role": "young_person"}], "place": place}
    )
    person = {
        "name": name,
        "role": "young_person",
        "home_local_authority": AUTHORITY,
        "home_address": f"  {ADDRESS} ",
        "home_postcode": "zz991cc",
        **said,
    }
    restricted = report_json(
        {"type": "sighting", "persons": [person], "place": place},
        grading=shared_only_with(POLICE),
    )
    events = [
        submitted(ReportCreate.model_validate(shared), agency=HOME),
        submitted(ReportCreate.model_validate(restricted), agency=POLICE),
    ]
    linked = link_events(settings, events)
    (person_id,) = {e.id for e in linked[0].entities if e.kind == "person"}
    assert person_id in {e.id for e in linked[1].entities}, "the mentions should be one person"
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
            yield World(client, tokens, neo4j_driver, person_id, str(events[1].event_id), said)
    finally:
        neo4j_driver.execute_query(
            queries.DELETE_REPORTS_AND_THEIR_ENTITIES,
            report_ids=[str(e.event_id) for e in events],
        )


def test_the_mentions_keep_what_their_report_said_and_the_node_keeps_it_for_matching(
    world: World,
) -> None:
    records, _, _ = world.driver.execute_query(
        queries.MENTION_AND_PERSON, report_id=world.restricted, person_id=world.person
    )
    (record,) = records
    said, node = record["said"], record["node"]
    for field, value in world.said.items():
        assert said[field] == value
    assert (said["home_address"], said["home_postcode"]) == (ADDRESS, "ZZ99 1CC")
    assert f"nhs:{world.said['nhs_number']}" in node["identifiers"]
    assert f"upn:{world.said['upn']}" in node["identifiers"]
    assert f"pnc:{world.said['pnc_id']}" in node["identifiers"]
    assert node["home_postcodes"] == ["ZZ99 1CC"]
    assert world.said["nhs_number"] not in world.person


def test_a_profile_shows_them_only_to_a_reader_who_may_see_the_report(world: World) -> None:
    inside = world.profile("inside")["person"]
    assert inside["nhs_numbers"] == [world.said["nhs_number"]]
    assert inside["upns"] == [world.said["upn"]]
    assert inside["pnc_ids"] == [world.said["pnc_id"]]
    assert inside["pnd_ids"] == [world.said["pnd_id"]]
    assert inside["la_child_ids"] == [world.said["la_child_id"]]
    assert (inside["home_address"], inside["home_postcode"]) == (ADDRESS, "ZZ99 1CC")
    outside = world.profile("outside")
    person = outside["person"]
    assert person["nhs_numbers"] == person["upns"] == person["pnc_ids"] == []
    assert person["pnd_ids"] == person["la_child_ids"] == []
    assert person["home_address"] is None and person["home_postcode"] is None
    for value in [*world.said.values(), ADDRESS, "ZZ99 1CC"]:
        assert value not in str(outside)
