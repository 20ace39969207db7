"""Why two people are, or are not, one (issue 15 item 6), scored on what the caller may see:
a date of birth only a police-only report gives counts for the police and not for others."""

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
from tests.support.factories import report_json, shared_only_with, submitted, synthetic_nhs_number
from tests.support.linking import link_events
from tests.support.tokens import bearer_headers

pytestmark = pytest.mark.integration

HOME, POLICE, ANALYSTS = "Synthetic Home A", "Synthetic Police", "Synthetic Analysts"
PURPOSE = {"purpose": "integration test of why two people are one"}
BORN = "2011-06-14"
OTHER_BIRTHDAY = "2012-09-03"


@dataclass
class Pair:
    client: TestClient
    tokens: dict[str, dict[str, str]]
    dated: str
    undated: str

    def compare(self, who: str, a: str, b: str) -> Any:
        return self.client.get(
            f"/v1/persons/{a}/compare/{b}", params=PURPOSE, headers=self.tokens[who]
        )


def _sighting(person: dict[str, Any], place: str, **grading: Any) -> dict[str, Any]:
    event = {"type": "sighting", "persons": [person], "place": {"name": place}}
    return report_json(event, **({"grading": grading} if grading else {}))


@pytest.fixture
def pair(settings: InfraSettings, neo4j_driver: Driver, tmp_path: Path) -> Iterator[Pair]:
    tag = uuid.uuid4().hex[:6]
    name = f"Jay Synth{tag}"
    nhs = synthetic_nhs_number(int(tag, 16))  # this run's own, so no other test's child shares it
    police_only = shared_only_with(POLICE)
    reports = [
        (_sighting({"name": name, "nhs_number": nhs}, f"Synth Library {tag}"), HOME),
        (  # the police date him; the shared NHS number makes this mention him
            _sighting(
                {"name": name, "nhs_number": nhs, "date_of_birth": BORN},
                f"Synth Station {tag}",
                **police_only,
            ),
            POLICE,
        ),
        (_sighting({"name": name, "date_of_birth": OTHER_BIRTHDAY}, f"Synth Park {tag}"), HOME),
    ]
    events = [submitted(ReportCreate.model_validate(r), agency=a) for r, a in reports]
    linked = link_events(settings, events)
    people = [next(e.id for e in x.entities if e.kind == "person") for x in linked]
    assert people[1] == people[0], "the police's mention shares the NHS number"
    assert people[2] != people[0], "another birthday is another child"
    tokens = bearer_headers(
        tmp_path / "users.json",
        (HOME, POLICE, ANALYSTS),
        {
            "outside": ("a.outside", ANALYSTS, Role.ANALYST),
            "inside": ("p.inside", POLICE, Role.ANALYST),
        },
    )
    try:
        settings_ = Settings(tessera_auth_file=str(tmp_path / "users.json"))
        with TestClient(create_app(settings_)) as client:
            yield Pair(client, tokens, dated=people[2], undated=people[0])
    finally:
        neo4j_driver.execute_query(
            queries.DELETE_REPORTS_AND_THEIR_ENTITIES,
            report_ids=[str(e.event_id) for e in events],
        )


def _levels(body: dict[str, Any]) -> dict[str, str]:
    return {c["field"]: c["level"] for c in body["contributions"]}


def test_each_caller_sees_the_comparison_their_reports_allow(pair: Pair) -> None:
    inside = pair.compare("inside", pair.dated, pair.undated)
    outside = pair.compare("outside", pair.dated, pair.undated)
    assert inside.status_code == outside.status_code == 200, (inside.text, outside.text)
    # The police's own report dates the first child: for them the birthdays differ, a rule.
    assert _levels(inside.json())["date_of_birth"] == "conflict"
    assert inside.json()["outcome"] == "apart" and inside.json()["rule"]
    # Others see a date of birth on one side only: a question for an analyst, not a conflict.
    assert _levels(outside.json())["date_of_birth"] == "missing"
    assert outside.json()["outcome"] == "candidate"
    assert BORN not in outside.text and "conflict" not in outside.text
    for body in (inside.json(), outside.json()):
        assert body["weight"] == pytest.approx(
            sum(c["weight"] for c in body["contributions"]), abs=0.05
        )
        assert body["candidate_threshold"] < body["merge_threshold"]


def test_someone_not_visible_is_a_404_and_a_purpose_is_required(pair: Pair) -> None:
    missing = pair.compare("outside", pair.dated, "person:not-a-real-one")
    assert missing.status_code == 404
    no_purpose = pair.client.get(
        f"/v1/persons/{pair.dated}/compare/{pair.undated}", headers=pair.tokens["outside"]
    )
    assert no_purpose.status_code == 422
