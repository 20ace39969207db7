"""A person's profile on the real Neo4j: identifiers, placements, missing episodes, departures
and screening status, each only as far as the reports the caller may see state it."""

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
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
from tests.support import queries
from tests.support.factories import report_json, shared_only_with, submitted
from tests.support.linking import link_events

pytestmark = pytest.mark.integration

HOME, POLICE, ANALYSTS = "Synthetic Home A", "Synthetic Police", "Synthetic Analysts"
PURPOSE = {"purpose": "integration test of the person profile"}
NOW = datetime.now(UTC)
POLICE_ONLY = shared_only_with(POLICE)


@pytest.fixture
def profile(
    settings: InfraSettings, neo4j_driver: Driver, tmp_path: Path, decisions_topic: str
) -> Iterator[tuple[TestClient, dict[str, dict[str, str]], str, str]]:
    tag = uuid.uuid4().hex[:6]
    home = {"name": f"Synthetic House {tag}", "postcode": "ZZ99 5HH", "category": "care_home"}
    school = {"name": f"Synth Academy {tag}", "postcode": "ZZ99 5SA", "category": "school"}
    phone = f"07700 900{int(tag[:3], 16) % 1000:03d}"
    ivy = {
        "name": f"Ivy Synth{tag}",
        "role": "young_person",
        "date_of_birth": "2011-03-04",
        "phones": [phone],
        "school": school,
    }
    started = NOW - timedelta(days=3)

    def report(event: dict[str, Any], at: datetime, **envelope: Any) -> ReportCreate:
        return ReportCreate.model_validate(
            report_json(event, observed_at=at.isoformat(), **envelope)
        )

    screening = {"type": "screening", "child": ivy, "completed_by": "Synthetic Social Worker"}
    events = [
        submitted(
            report(
                {
                    "type": "missing_reported",
                    "child": ivy,
                    "placement": home,
                    "last_seen_at": started.isoformat(),
                    "police_risk_grading": "high",
                },
                started,
            ),
            agency=HOME,
        ),
        submitted(
            report(
                {
                    "type": "missing_ended",
                    "child": ivy,
                    "found_at": (started + timedelta(hours=30)).isoformat(),
                    "found_place": {"name": f"Synthetic Flat {tag}", "postcode": "ZZ99 5FF"},
                    "condition": ["injured"],
                    "circumstances": "found_in_raid",
                },
                started + timedelta(hours=30),
                grading=POLICE_ONLY,
            ),
            agency=POLICE,
        ),
        submitted(
            report(
                {
                    "type": "departed",
                    "child": ivy,
                    "left_at": (NOW - timedelta(hours=5)).isoformat(),
                    "left_from": home,
                    "carrying": ["luggage"],
                },
                NOW - timedelta(hours=5),
            ),
            agency=HOME,
        ),
        submitted(
            report(
                {**screening, "screened_on": "2026-06-01", "outcome": "yes", "indicators": ["S4"]},
                datetime(2026, 6, 1, 12, tzinfo=UTC),
            ),
            agency=HOME,
        ),
        submitted(
            report(
                {**screening, "screened_on": "2026-11-01", "outcome": "no"},
                datetime(2026, 11, 1, 12, tzinfo=UTC),
            ),
            agency=HOME,
        ),
    ]
    linked = link_events(settings, events)
    persons = {e.id for e in linked[0].entities if e.kind == "person"}
    (ivy_id,) = persons
    auth = tmp_path / "users.json"
    store = TokenStore(auth)
    for agency in (HOME, POLICE, ANALYSTS):
        store.add_agency(agency)
    tokens = {
        who: {"Authorization": f"Bearer {store.issue(user=who, agency=agency, role=Role.ANALYST)}"}
        for who, agency in (("analyst", ANALYSTS), ("police_analyst", POLICE))
    }
    app = create_app(Settings(tessera_auth_file=str(auth), network_decisions_topic=decisions_topic))
    try:
        with TestClient(app) as client:
            yield client, tokens, ivy_id, phone
    finally:
        neo4j_driver.execute_query(
            queries.DELETE_REPORTS_AND_THEIR_ENTITIES,
            report_ids=[str(e.event_id) for e in events],
        )


def _detail(client: TestClient, token: dict[str, str], person_id: str) -> dict[str, Any]:
    response = client.get(f"/v1/entities/{person_id}", params=PURPOSE, headers=token)
    assert response.status_code == 200, response.text
    return dict(response.json()["person_detail"])


def test_a_profile_shows_what_the_caller_may_see_of_each_fact(
    profile: tuple[TestClient, dict[str, dict[str, str]], str, str],
) -> None:
    client, tokens, ivy, phone = profile
    outsider = _detail(client, tokens["analyst"], ivy)
    assert [i["kind"] for i in outsider["identifiers"]] == ["phone"]
    assert outsider["identifiers"][0]["name"] == "+447700" + phone[-6:]
    assert {(p["link"], p["category"]) for p in outsider["placements"]} == {
        ("PLACED_AT", "care_home"),
        ("ATTENDS", "school"),
    }
    (episode,) = outsider["missing_episodes"]
    assert episode["started_at"] is not None and episode["police_risk_grading"] == "high"
    # The found report is police only: someone outside sees the child went missing, not how
    # or where they were found.
    assert (episode["ended_at"], episode["found_at"], episode["condition"]) == (None, None, [])
    (departure,) = outsider["departures"]
    assert departure["carrying"] == ["luggage"] and departure["left_from"].startswith("Synthetic")
    screening = outsider["screening"]
    assert (screening["exp_flag"], screening["outcome"], screening["screenings"]) == (
        "historic",  # a "yes" in June, then a "no" in November (W7)
        "no",
        2,
    )

    insider = _detail(client, tokens["police_analyst"], ivy)
    (episode,) = insider["missing_episodes"]
    assert episode["found_at"].startswith("Synthetic Flat") and episode["condition"] == ["injured"]
    assert episode["circumstances"] == "found_in_raid"
