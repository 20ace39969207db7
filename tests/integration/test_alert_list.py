"""The officer's alert list and detail on the real graph (issue 18): filters by type, priority,
area, subject and when raised, a text search and sorts, server-side and paginated; and each
evidence entry says what its report said (event, place, time, grading, narrative)."""

import asyncio
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from neo4j import AsyncGraphDatabase, Driver

from common.auth import Role, TokenStore
from common.settings import InfraSettings
from schemas.alerts import AlertRaised
from schemas.entities import Place
from schemas.linking import EntityKind
from schemas.reports import ReportCreate
from services.alerts.config import Settings
from services.alerts.detection import Context, detect
from services.alerts.lifecycle import record_alert
from services.alerts.main import create_app
from services.alerts.store import Neo4jAlertStore
from services.network.identities import location_id
from tests.support import queries
from tests.support.factories import id_key, report_json, run_tag, submitted
from tests.support.linking import link_events

pytestmark = pytest.mark.integration
NOW = datetime.now(UTC)
PURPOSE = "synthetic test of the alert list"


def _child(name: str, born: str = "2010-03-04") -> dict[str, Any]:
    return {"name": name, "date_of_birth": born, "role": "young_person"}


def _raise(settings: InfraSettings, place: dict[str, Any], now: datetime) -> AlertRaised:
    """The hotspot alert the worker would raise on the place at `now`."""

    async def run() -> AlertRaised:
        driver = AsyncGraphDatabase.driver(
            settings.neo4j_uri,
            auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
        )
        try:
            ctx = Context(
                driver=driver, database=settings.neo4j_database, settings=Settings(), now=now
            )
            store = Neo4jAlertStore(driver=driver, database=settings.neo4j_database)
            lid = location_id(Place.model_validate(place), key=id_key())
            [candidate] = [
                c
                for c in await detect(EntityKind.LOCATION, lid, ctx)
                if c.type.value == "shared_hotspot"
            ]
            alert = await record_alert(candidate=candidate, store=store, now=now, new_id=uuid.uuid4)
            assert alert is not None
            return alert
        finally:
            await driver.close()

    return asyncio.run(run())


@pytest.fixture
def scene(
    settings: InfraSettings, neo4j_driver: Driver
) -> Iterator[tuple[str, AlertRaised, AlertRaised, list[str]]]:
    """Two hotspots of this run: a take-away in Synth Borough (medium, raised two hours ago) and
    a park in Other Borough, one child there under 13 (high, raised an hour ago)."""
    tag = run_tag()
    shop = {
        "name": f"Synth Fryer {tag}",
        "postcode": "ZZ99 5TA",
        "category": "take_away",
        "local_authority": f"Synth Borough {tag}",
        "police_force_area": "Synthetic Police",
    }
    park = {
        "name": f"Synth Rec {tag}",
        "postcode": "ZZ99 5PK",
        "category": "park",
        "local_authority": f"Other Borough {tag}",
    }
    events = [
        (shop, _child(f"Ava List{tag}"), "Ava was buying chips with an older man (synthetic)."),
        (shop, _child(f"Ben List{tag}"), "Ben waited outside (synthetic)."),
        (park, _child(f"Cai List{tag}"), "Seen by the swings (synthetic)."),
        (park, _child(f"Dee List{tag}"), "Seen by the swings (synthetic)."),
        (park, _child(f"Eli List{tag}", born="2016-01-01"), "Seen with Cai (synthetic)."),
    ]
    reports = [
        submitted(
            ReportCreate.model_validate(
                report_json(
                    {"type": "sighting", "persons": [child], "place": place},
                    observed_at=(NOW - timedelta(days=3, minutes=i)).isoformat(),
                    narrative=narrative,
                )
            )
        )
        for i, (place, child, narrative) in enumerate(events)
    ]
    ids = [str(r.event_id) for r in reports]
    try:
        link_events(settings, reports)
        medium = _raise(settings, shop, NOW - timedelta(hours=2))
        high = _raise(settings, park, NOW - timedelta(hours=1))
        yield tag, medium, high, ids
    finally:
        neo4j_driver.execute_query(queries.DELETE_REPORTS_AND_THEIR_ENTITIES, report_ids=ids)


@pytest.fixture
def client(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    auth = tmp_path / "users.json"
    store = TokenStore(auth)
    store.add_agency("Synthetic Police")
    token = store.issue(user="pc.list", agency="Synthetic Police", role=Role.POLICE)
    with TestClient(create_app(Settings(tessera_auth_file=str(auth)))) as http:
        yield http, {"Authorization": f"Bearer {token}"}


def _listed(client: tuple[TestClient, dict[str, str]], **params: Any) -> dict[str, Any]:
    http, headers = client
    answer = http.get("/v1/alerts", params={"purpose": PURPOSE, **params}, headers=headers)
    assert answer.status_code == 200, answer.text
    page: dict[str, Any] = answer.json()
    return page


def _ids(page: dict[str, Any]) -> list[str]:
    return [item["alert_id"] for item in page["items"]]


def test_the_list_filters_searches_and_sorts_on_the_server(
    scene: tuple[str, AlertRaised, AlertRaised, list[str]],
    client: tuple[TestClient, dict[str, str]],
) -> None:
    tag, medium, high, _ = scene
    shop, park = str(medium.alert_id), str(high.alert_id)
    assert _ids(_listed(client, q=tag)) == [park, shop]  # newest change first
    assert _ids(_listed(client, q=tag, sort="oldest")) == [shop, park]
    assert _ids(_listed(client, q=tag.upper(), sort="priority")) == [park, shop]
    assert _ids(_listed(client, q=f"fryer {tag}")) == [shop]  # a place's name, any case
    assert _ids(_listed(client, q=shop)) == [shop]  # the alert id
    assert _ids(_listed(client, subject=f"ava list{tag}")) == [shop]
    assert _ids(_listed(client, subject=f"Synth Rec {tag}")) == [park]
    assert _ids(_listed(client, area=f"other borough {tag}")) == [park]
    assert _ids(_listed(client, q=tag, area="Synthetic Police")) == [shop]
    assert _ids(_listed(client, q=tag, priority="high")) == [park]
    assert _ids(_listed(client, q=tag, type="trap_house")) == []
    assert _ids(_listed(client, q=tag, status="closed")) == []
    assert _ids(_listed(client, q=tag, status=["open", "acknowledged"])) == [park, shop]
    window = {
        "raised_from": (NOW - timedelta(hours=3)).isoformat(),
        "raised_to": (NOW - timedelta(minutes=90)).isoformat(),
    }
    assert _ids(_listed(client, q=tag, **window)) == [shop]
    first = _listed(client, q=tag, limit=1)
    assert (_ids(first), first["total"], first["next_offset"]) == ([park], 2, 1)
    assert _ids(_listed(client, q=tag, limit=1, offset=1)) == [shop]
    [item] = _listed(client, subject=f"Ava List{tag}")["items"]
    assert item["areas"] == ["Synth Borough " + tag, "Synthetic Police"]
    assert item["priority"] == "medium" and item["summary"].startswith("2 young people")


def test_each_evidence_entry_says_what_its_report_said(
    scene: tuple[str, AlertRaised, AlertRaised, list[str]],
    client: tuple[TestClient, dict[str, str]],
) -> None:
    tag, medium, _, ids = scene
    http, headers = client
    answer = http.get(f"/v1/alerts/{medium.alert_id}", params={"purpose": PURPOSE}, headers=headers)
    assert answer.status_code == 200, answer.text
    evidence = {e["report_id"]: e for e in answer.json()["evidence"]}
    assert set(evidence) == {str(e.report_id) for e in medium.evidence} >= set(ids[:2])
    ava = evidence[ids[0]]
    assert ava["event_type"] == "sighting"
    assert ava["place"] == f"Synth Fryer {tag}"
    assert ava["grading"] == "2B P"
    assert ava["narrative"] == "Ava was buying chips with an older man (synthetic)."
    assert datetime.fromisoformat(ava["observed_at"]) == NOW - timedelta(days=3)
    assert all(e.grading == "2B P" for e in medium.evidence)  # the alert itself is graded
