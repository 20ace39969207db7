"""Children missing now on the real Neo4j (issue 18): a child reported missing through the API
is listed until a report ends the episode, with how long and where last seen, and only as far
as the caller may see the reports."""

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
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
PURPOSE = {"purpose": "integration test of children missing now"}
RESTRICTED = shared_only_with(POLICE)
HOME_PLACE = {"name": "Synthetic House", "postcode": "ZZ99 1HM", "category": "care_home"}


def _ago(hours: float) -> str:
    return (datetime.now(UTC) - timedelta(hours=hours)).isoformat()


def _missing(name: str, *, hours: float, **extra: Any) -> dict[str, Any]:
    return report_json(
        {
            "type": "missing_reported",
            "child": {"name": name, "date_of_birth": "2010-02-03", "role": "young_person"},
            "placement": HOME_PLACE,
            "last_seen_at": _ago(hours),
            "last_seen_place": {"name": "Synthetic Chip Shop", "postcode": "ZZ99 4CS"},
            "police_risk_grading": "high",
        },
        observed_at=_ago(hours),
        **extra,
    )


def _found(name: str, *, hours: float, **extra: Any) -> dict[str, Any]:
    return report_json(
        {
            "type": "missing_ended",
            "child": {"name": name, "date_of_birth": "2010-02-03", "role": "young_person"},
            "found_at": _ago(hours),
            "circumstances": "returned",
        },
        observed_at=_ago(hours),
        **extra,
    )


@dataclass
class Missing:
    client: TestClient
    tokens: dict[str, dict[str, str]]
    names: dict[str, str]

    def listed(self, who: str) -> dict[str, dict[str, Any]]:
        response = self.client.get("/v1/missing", params=PURPOSE, headers=self.tokens[who])
        assert response.status_code == 200, response.text
        return {
            child["name"]: child
            for child in response.json()["items"]
            if child["name"] in self.names.values()
        }


@pytest.fixture
def missing(settings: InfraSettings, neo4j_driver: Driver, tmp_path: Path) -> Iterator[Missing]:
    tag = uuid.uuid4().hex[:6]
    names = {k: f"{k.title()} Synth{tag}" for k in ("ada", "bea", "cal", "dee")}
    bodies = [
        (_missing(names["ada"], hours=30), HOME),  # through the API, never found
        (_missing(names["bea"], hours=20), HOME),
        (_found(names["bea"], hours=10), HOME),  # found: no longer missing
        (_missing(names["cal"], hours=5, grading=RESTRICTED), POLICE),  # only police see it
        (_missing(names["dee"], hours=8), HOME),
        (_found(names["dee"], hours=2, grading=RESTRICTED), POLICE),  # found, police know
        (
            report_json(
                {
                    "type": "sighting",
                    "persons": [{"name": names["ada"], "date_of_birth": "2010-02-03"}],
                    "place": {"name": "Synthetic Arcade", "postcode": "ZZ99 9ZZ"},
                },
                observed_at=_ago(3),
            ),
            HOME,
        ),
    ]
    events = [submitted(ReportCreate.model_validate(b), agency=a) for b, a in bodies]
    link_events(settings, events)
    auth = tmp_path / "users.json"
    tokens = bearer_headers(
        auth,
        (HOME, POLICE, ANALYSTS),
        {
            "analyst": ("a.analyst", ANALYSTS, Role.ANALYST),
            "police": ("p.officer", POLICE, Role.POLICE),
            "worker": ("k.worker", HOME, Role.SUBMITTER),
        },
    )
    try:
        with TestClient(create_app(Settings(tessera_auth_file=str(auth)))) as client:
            yield Missing(client, tokens, names)
    finally:
        neo4j_driver.execute_query(
            queries.DELETE_REPORTS_AND_THEIR_ENTITIES,
            report_ids=[str(e.event_id) for e in events],
        )


def test_a_child_reported_missing_through_the_api_is_listed_with_where_and_how_long(
    missing: Missing,
) -> None:
    ada = missing.listed("analyst")[missing.names["ada"]]
    assert 29.9 <= ada["missing_for_hours"] <= 30.2
    assert (ada["last_seen_place"], ada["last_seen_postcode"]) == (
        "Synthetic Chip Shop",
        "ZZ99 4CS",
    )
    assert (ada["missing_from"], ada["police_risk_grading"]) == ("Synthetic House", "high")
    assert ada["reported_by"] == HOME
    assert ada["seen_since"]["places"] == ["Synthetic Arcade"]


def test_a_child_found_is_not_listed(missing: Missing) -> None:
    assert missing.names["bea"] not in missing.listed("police")


def test_a_child_reported_missing_in_a_restricted_report_is_listed_only_inside(
    missing: Missing,
) -> None:
    assert missing.names["cal"] in missing.listed("police")
    assert missing.names["cal"] not in missing.listed("analyst")


def test_a_child_found_in_a_restricted_report_is_still_missing_to_who_cannot_see_it(
    missing: Missing,
) -> None:
    assert missing.names["dee"] in missing.listed("analyst")
    assert missing.names["dee"] not in missing.listed("police")


def test_longest_missing_first(missing: Missing) -> None:
    assert list(missing.listed("police")) == [missing.names["ada"], missing.names["cal"]]


def test_a_homes_staff_may_not_list_missing_children(missing: Missing) -> None:
    response = missing.client.get("/v1/missing", params=PURPOSE, headers=missing.tokens["worker"])
    assert response.status_code == 403
