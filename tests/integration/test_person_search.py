"""Person search on the real Neo4j (issue 18): someone known only by a nickname, and anyone by
a given name, a surname or an alias alone, is found through the mention_names full-text index,
and only by what the reports the caller may see call them."""

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
PURPOSE = {"purpose": "integration test of person search"}
RESTRICTED = shared_only_with(POLICE)


@dataclass
class People:
    client: TestClient
    tokens: dict[str, dict[str, str]]
    ids: dict[str, str]
    tag: str

    def search(self, who: str, name: str) -> list[dict[str, Any]]:
        response = self.client.get(
            "/v1/persons", params={**PURPOSE, "name": name}, headers=self.tokens[who]
        )
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()["items"]
        return items


@pytest.fixture
def people(settings: InfraSettings, neo4j_driver: Driver, tmp_path: Path) -> Iterator[People]:
    tag = uuid.uuid4().hex[:6]
    shared = ReportCreate.model_validate(
        report_json(
            {
                "type": "sighting",
                "persons": [
                    {
                        "name": f"Kit{tag} Marsh{tag}",
                        "date_of_birth": "2010-03-04",
                        "role": "young_person",
                    },
                    {"nicknames": [f"Tinks{tag}"], "role": "adult", "estimated_age": 25},
                    {
                        "name": f"Lou Fenwick{tag}",
                        "aliases": [f"Lulu{tag}"],
                        "role": "young_person",
                    },
                ],
                "place": {"name": f"Synthetic Arcade {tag}", "postcode": "ZZ99 9ZZ"},
            }
        )
    )
    restricted = ReportCreate.model_validate(
        report_json(
            {
                "type": "association",
                "person_a": {
                    "name": f"Kit{tag} Marsh{tag}",
                    "nicknames": [f"Kipper{tag}"],
                    "date_of_birth": "2010-03-04",
                    "role": "young_person",
                },
                "person_b": {"name": f"Rory Quell{tag}", "role": "adult", "estimated_age": 31},
                "nature": "friend",
            },
            grading=RESTRICTED,
        )
    )
    events = [submitted(shared, agency=HOME), submitted(restricted, agency=POLICE)]
    link_events(settings, events)
    ids = {
        key: _one_named(neo4j_driver, name)
        for key, name in (
            ("kit", f"Kit{tag} Marsh{tag}"),
            ("tinks", f"Tinks{tag}"),
            ("lou", f"Lou Fenwick{tag}"),
        )
    }
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
            yield People(client, tokens, ids, tag)
    finally:
        neo4j_driver.execute_query(
            queries.DELETE_REPORTS_AND_THEIR_ENTITIES,
            report_ids=[str(e.event_id) for e in events],
        )


def _one_named(driver: Driver, name: str) -> str:
    records, _, _ = driver.execute_query(queries.PEOPLE_NAMED, name=name)
    (person_id,) = {r["id"] for r in records}  # both reports' Kit are one person
    return str(person_id)


def _ids(items: list[dict[str, Any]]) -> list[str]:
    return [hit["id"] for hit in items]


def test_someone_known_only_by_a_nickname_is_found_by_it(people: People) -> None:
    (hit,) = people.search("outside", f"tinks{people.tag}")
    assert hit["id"] == people.ids["tinks"]
    assert hit["score"] == 1.0


def test_a_given_name_alone_finds_the_person(people: People) -> None:
    (hit,) = people.search("outside", f"Kit{people.tag}")
    assert (hit["id"], hit["matched_on"]) == (
        people.ids["kit"],
        f"Kit{people.tag} Marsh{people.tag}",
    )


def test_a_surname_alone_finds_the_person_even_misspelt(people: People) -> None:
    assert _ids(people.search("outside", f"Marsh{people.tag}")) == [people.ids["kit"]]
    assert _ids(people.search("outside", f"Marsch{people.tag}")) == [people.ids["kit"]]


def test_an_alias_finds_the_person(people: People) -> None:
    assert _ids(people.search("outside", f"Lulu{people.tag}")) == [people.ids["lou"]]


def test_a_nickname_only_in_a_restricted_report_finds_the_person_only_inside(
    people: People,
) -> None:
    nickname = f"Kipper{people.tag}"
    assert people.search("outside", nickname) == []
    (hit,) = people.search("inside", nickname)
    assert (hit["id"], hit["matched_on"]) == (people.ids["kit"], nickname.lower())


def test_a_surname_only_in_a_restricted_report_finds_no_one_outside(people: People) -> None:
    assert people.search("outside", f"Quell{people.tag}") == []
    assert len(people.search("inside", f"Quell{people.tag}")) == 1
